import VPAModel

/// The estimated resources of one container before capping to the VPA's policy (upstream
/// pkg/recommender/logic/recommender.go `RecommendedContainerResources`). CPU and memory are always set.
public struct ResourceEstimate: Hashable, Sendable {
    /// The recommended request.
    public var target: ResourceList
    /// The least request that is still fine; below it the updater acts.
    public var lowerBound: ResourceList
    /// The largest request that is still fine; above it the updater acts. `ResourceAmount.maximum`
    /// means no bound yet (no history).
    public var upperBound: ResourceList

    public init(target: ResourceList, lowerBound: ResourceList, upperBound: ResourceList) {
        self.target = target
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }
}
