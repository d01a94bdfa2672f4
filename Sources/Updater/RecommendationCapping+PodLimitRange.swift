import VPAModel

extension RecommendationCapping {
    /// Upstream `capProportionallyToPodLimitRange`: the pod's app containers' recommendations (and,
    /// for containers without one, their requests) scaled together so that the pod's total fits the
    /// `Pod` LimitRange item, for upper bound, target and lower bound, CPU then memory each.
    func capProportionallyToPodLimitRange(_ recommendations: [String: ContainerRecommendation], containers: [ContainerUnderVPA],
                                          limitRange: LimitRangeObservation.Item) -> [String: ContainerRecommendation] {
        let appContainers = containers.filter { $0.type == .container }
        var byName = recommendations
        // insertRequestsForMissingRecommendations: a container without a recommendation counts with its requests.
        for container in appContainers where byName[container.name] == nil && !container.actual.requests.isEmpty {
            byName[container.name] = ContainerRecommendation(container: container.name, target: container.actual.requests,
                                                             lowerBound: ResourceList(), upperBound: ResourceList(),
                                                             uncappedTarget: container.actual.requests)
        }
        let fields: [WritableKeyPath<ContainerRecommendation, ResourceList>] = [\.upperBound, \.target, \.lowerBound]
        for field in fields {
            for resource in Resource.allCases {
                Self.applyPodLimitRange(&byName, containers: appContainers, limitRange: limitRange, resource: resource, field: field)
            }
        }
        return byName
    }

    /// Upstream `applyPodLimitRange` for one resource of one field. A recommendation that does not
    /// name the resource is left without it (upstream would add a zero).
    static func applyPodLimitRange(_ byName: inout [String: ContainerRecommendation], containers: [ContainerUnderVPA],
                                   limitRange: LimitRangeObservation.Item, resource: Resource,
                                   field: WritableKeyPath<ContainerRecommendation, ResourceList>) {
        let minimum = resource.amount(in: limitRange.min) ?? 0
        let maximum = resource.amount(in: limitRange.max) ?? 0
        let defaultLimit = resource.amount(in: limitRange.defaultLimit) ?? 0
        var sumLimit: Int64 = 0
        var sumRecommendation: Int64 = 0
        for container in containers {
            let request = resource.amount(in: container.actual.requests)
            var limit = resource.amount(in: container.actual.limits) ?? 0
            if limit == 0 { limit = defaultLimit }
            let recommended = byName[container.name].map { resource.amount(in: $0[keyPath: field]) ?? 0 } ?? (request ?? 0)
            let containerLimit = RecommendedContainer.proportionalLimit(originalLimit: limit, originalRequest: request,
                                                                        recommendedRequest: recommended)
            sumLimit = saturatingSum(sumLimit, containerLimit ?? 0)
            sumRecommendation = saturatingSum(sumRecommendation, recommended)
        }
        if minimum <= sumLimit && minimum <= sumRecommendation && (maximum == 0 || maximum >= sumLimit) { return }

        if minimum > sumRecommendation && sumLimit != 0 {
            for container in containers {
                guard var recommendation = byName[container.name], let value = resource.amount(in: recommendation[keyPath: field])
                else { continue }
                // CPU rounds up to a whole millicore (roundUpToFullUnit); memory is already whole bytes.
                let scaled = scale(value, times: minimum, over: sumRecommendation, roundingUp: resource == .cpu)
                resource.set(scaled, in: &recommendation[keyPath: field])
                byName[container.name] = recommendation
            }
            return
        }
        guard sumLimit != 0 else { return }
        var targetTotalLimit: Int64 = 0
        if minimum > sumLimit { targetTotalLimit = minimum }
        if maximum != 0 && maximum < sumLimit { targetTotalLimit = maximum }
        for container in containers {
            guard var recommendation = byName[container.name], let value = resource.amount(in: recommendation[keyPath: field])
            else { continue }
            resource.set(scale(value, times: targetTotalLimit, over: sumLimit, roundingUp: false), in: &recommendation[keyPath: field])
            byName[container.name] = recommendation
        }
    }

    private static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int64.max : sum
    }
}
