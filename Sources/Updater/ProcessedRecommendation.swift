import VPAModel

/// A container of a pod paired with the recommendation the updater acts on for it.
struct RecommendedContainer: Sendable {
    var container: ContainerUnderVPA
    var recommendation: ContainerRecommendation
    /// What capping did to the target (upstream's capping annotations), for the decision's reason.
    var cappingNotes: [String] = []
    /// The policy's `controlledValues`: `RequestsOnly` leaves limits alone.
    var controlledValues: ContainerControlledValues = .requestsAndLimits
    /// The `default` of the namespace's Container LimitRange: the limit a container without one has.
    var defaultLimit = ResourceList()
}

extension PodUnderVPA {
    /// The recommendation for each of the pod's containers, as upstream's capping recommendation
    /// processor hands it to the updater (pkg/utils/vpa/capping.go `Apply`): matched by container
    /// name, containers the pod does not have dropped, the pod's total fitted to the namespace's Pod
    /// LimitRange, then each container's capped to the Container LimitRange, to the policy's
    /// `minAllowed`/`maxAllowed` (a zero bound means none) and, under `controlledValues:
    /// RequestsOnly`, to the container's limit.
    ///
    /// Containers whose policy has `mode: Off` are dropped: the recommender publishes nothing for
    /// them, and upstream's quick-OOM check skips them too.
    func recommendedContainers(policies vpa: VPAObservation, limitRanges: [LimitRangeObservation] = []) -> [RecommendedContainer] {
        let capping = RecommendationCapping(limitRanges: limitRanges, namespace: namespace)
        let capped = capping.apply(recommendations, vpa: vpa, containers: containers)
        return containers.compactMap { container in
            let policy = vpa.policy(for: container.name)
            guard policy?.scalingOff != true, let result = capped[container.name] else { return nil }
            return RecommendedContainer(container: container, recommendation: result.recommendation, cappingNotes: result.notes,
                                        controlledValues: policy?.controlledValues ?? .requestsAndLimits,
                                        defaultLimit: capping.containerLimitRange?.defaultLimit ?? ResourceList())
        }
    }
}
