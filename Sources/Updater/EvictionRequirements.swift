import VPAModel

extension PodUnderVPA {
    /// Why the VPA's `updatePolicy.evictionRequirements` hold the pod back, or nil when they admit it
    /// (upstream pkg/updater/priority/scaling_direction_pod_eviction_admission.go `Admit`).
    ///
    /// The pod is admitted when one of its containers with a recommendation is: a container lacking
    /// a CPU or a memory request always is; otherwise every requirement must hold for at least one
    /// of its resources (target above the actual request for `TargetHigherThanRequests`, below for
    /// `TargetLowerThanRequests`, compared in milli-units; a resource missing counts as 0).
    func unmetEvictionRequirement(_ containers: [RecommendedContainer], vpa: VPAObservation) -> String? {
        guard let requirements = vpa.evictionRequirements, !requirements.isEmpty else { return nil }
        for entry in containers where entry.container.type == .container {
            let requests = entry.container.actual.requests
            guard requests.cpuMillicores != nil, requests.memoryBytes != nil else { return nil }
            let admitted = requirements.allSatisfy { requirement in
                requirement.resources.contains { name in
                    let resource: Resource = name == .cpu ? .cpu : .memory
                    let request = resource.milliValue(resource.amount(in: requests) ?? 0)
                    let target = resource.milliValue(resource.amount(in: entry.recommendation.target) ?? 0)
                    switch requirement.change {
                    case .targetHigherThanRequests: return target > request
                    case .targetLowerThanRequests: return target < request
                    }
                }
            }
            if admitted { return nil }
        }
        let text = requirements.map { "\($0.change.rawValue) for \($0.resources.map(\.rawValue).joined(separator: " or "))" }
        return "eviction requirements not met (\(text.joined(separator: "; "))): not updating"
    }
}
