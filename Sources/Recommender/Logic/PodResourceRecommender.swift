import VPAModel

/// Computes a VPA's recommendations from its containers' usage histories (upstream
/// pkg/recommender/routines/recommender.go `UpdateVPAs`: `GetContainerNameToAggregateStateMap`,
/// logic/recommender.go `GetRecommendedPodResources`, `MapToListOfRecommendedContainerResources`,
/// then the capping post-processor).
public struct PodResourceRecommender: Hashable, Sendable {
    /// Percentiles, margin, minimums, confidence intervals and global caps.
    public var configuration: RecommenderConfiguration

    public init(configuration: RecommenderConfiguration = RecommenderConfiguration()) {
        self.configuration = configuration
    }

    /// One recommendation per container of `vpa` in `states` (container name → history), sorted by
    /// container name.
    ///
    /// A container whose policy (its own entry, else "*") has `mode: Off` gets none and does not
    /// count among the containers sharing the pod minimum. A container with no samples yet still
    /// gets one, at the minimum (upstream stopped filtering them, PR #5326). Resources the policy's
    /// `controlledResources` leaves out are dropped (`FilterControlledResources`), then amounts are
    /// rounded as `--round-cpu-millicores`, `--round-memory-bytes` and `--humanize-memory` say
    /// (`ResourcesAsResourceList`). `uncappedTarget` is the target before the policy's
    /// `minAllowed`/`maxAllowed` and the global caps are applied.
    public func recommendations(for vpa: VPAObservation,
                                states: [String: AggregateContainerState]) -> [ContainerRecommendation] {
        let scaled = states.keys.filter { !(vpa.policy(for: $0)?.scalingOff ?? false) }.sorted()
        let estimator = Estimator(configuration: configuration)
        return scaled.compactMap { container in
            guard let state = states[container] else { return nil }
            let estimate = estimator.estimate(state, containerCount: scaled.count)
                .controlled(by: vpa.policy(for: container)).formatted(with: configuration)
            let uncapped = ContainerRecommendation(container: container, target: estimate.target,
                                                   lowerBound: estimate.lowerBound, upperBound: estimate.upperBound,
                                                   uncappedTarget: estimate.target)
            return uncapped.capped(to: vpa.policy(for: container),
                                   globalMaxAllowed: configuration.containerRecommendationMaxAllowed)
        }
    }
}
