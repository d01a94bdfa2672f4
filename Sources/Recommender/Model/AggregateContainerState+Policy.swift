import VPAModel

extension RecommenderConfiguration {
    /// This configuration with a container policy's per-VPA settings (`oomBumpUpRatio`,
    /// `oomMinBumpUp`, `memoryAggregationIntervalSeconds`, `memoryAggregationIntervalCount`) when
    /// `perVPAConfig` is on, as upstream `AggregateContainerState.UpdateFromPolicy` takes them
    /// behind its `PerVPAConfig` gate; unchanged otherwise.
    public func applying(_ policy: ContainerResourcePolicy?) -> RecommenderConfiguration {
        guard perVPAConfig, let policy else { return self }
        var result = self
        if let ratio = policy.oomBumpUpRatio { result.oomBumpUpRatio = ratio }
        if let bytes = policy.oomMinBumpUpBytes { result.oomMinBumpUpBytes = Double(bytes) }
        if let seconds = policy.memoryAggregationIntervalSeconds { result.memoryAggregationInterval = .seconds(seconds) }
        if let count = policy.memoryAggregationIntervalCount { result.memoryAggregationIntervalCount = count }
        return result
    }
}

extension AggregateContainerState {
    /// Takes the per-VPA settings of `policy` over `base` (upstream `UpdateFromPolicy`, called each
    /// loop), so a changed VPA applies to the histories it already has; the histograms' half-lives
    /// are global and stay.
    public mutating func updateFromPolicy(_ policy: ContainerResourcePolicy?, base: RecommenderConfiguration) {
        let updated = base.applying(policy)
        if updated != configuration { configuration = updated }
    }
}
