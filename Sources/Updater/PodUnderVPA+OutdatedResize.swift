import VPAModel

extension PodUnderVPA {
    /// The first request where `targets` differ from what the pod's spec asks (only lower ones when
    /// `onlyLower`, as upstream's `RecommendationHasLowerResource`), as text; nil when none does.
    func outdatedRequest(in targets: [ResizeRequest.Target], onlyLower: Bool) -> String? {
        for target in targets {
            guard let container = containers.first(where: { $0.name == target.container && $0.type == target.type })
            else { continue }
            for resource in Resource.allCases {
                guard let wanted = resource.amount(in: target.resources.requests) else { continue }
                let asked = resource.amount(in: container.desired.requests)
                let differs = onlyLower ? asked.map { wanted < $0 } ?? false : asked != wanted
                if differs {
                    let askedText = asked.map(resource.format) ?? "unset"
                    return "\(container.name) \(resource.name) \(askedText) → \(resource.format(wanted))"
                }
            }
        }
        return nil
    }
}
