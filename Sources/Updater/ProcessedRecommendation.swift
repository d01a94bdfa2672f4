import VPAModel

/// A container of a pod paired with the recommendation the updater acts on for it.
struct RecommendedContainer: Sendable {
    var container: ContainerUnderVPA
    var recommendation: ContainerRecommendation
}

extension PodUnderVPA {
    /// The recommendation for each of the pod's containers, as upstream's capping recommendation
    /// processor hands it to the updater (pkg/utils/vpa/capping.go, `Apply`): matched by container
    /// name, containers the pod does not have dropped, and target, lower and upper bound capped to
    /// the container policy's `minAllowed`/`maxAllowed` (a zero bound means none).
    ///
    /// Containers whose policy has `mode: Off` are dropped: the recommender publishes nothing for
    /// them, and upstream's quick-OOM check skips them too. LimitRange capping is not applied (the
    /// updater is given no LimitRange).
    func recommendedContainers(policies vpa: VPAObservation) -> [RecommendedContainer] {
        containers.compactMap { container in
            guard let recommendation = recommendations.first(where: { $0.container == container.name }) else {
                return nil
            }
            let policy = vpa.policy(for: container.name)
            if policy?.scalingOff == true { return nil }
            guard let policy else { return RecommendedContainer(container: container, recommendation: recommendation) }
            var capped = recommendation
            capped.target = capped.target.capped(to: policy)
            capped.lowerBound = capped.lowerBound.capped(to: policy)
            capped.upperBound = capped.upperBound.capped(to: policy)
            return RecommendedContainer(container: container, recommendation: capped)
        }
    }
}

extension ResourceList {
    /// Each set value raised to `minAllowed` and lowered to `maxAllowed` (upstream `applyVPAPolicy`).
    func capped(to policy: ContainerResourcePolicy) -> ResourceList {
        let (minimum, maximum) = (policy.minAllowed, policy.maxAllowed)
        return ResourceList(
            cpuMillicores: cpuMillicores.map { Self.cap($0, minimum.cpuMillicores, maximum.cpuMillicores) },
            memoryBytes: memoryBytes.map { Self.cap($0, minimum.memoryBytes, maximum.memoryBytes) })
    }

    private static func cap(_ value: Int64, _ minimum: Int64?, _ maximum: Int64?) -> Int64 {
        var result = value
        // Upstream `maybeCapToMin`/`maybeCapToMax` ignore a bound that is zero.
        if let minimum, minimum != 0, result < minimum { result = minimum }
        if let maximum, maximum != 0, result > maximum { result = maximum }
        return result
    }
}
