import VPAModel

extension AggregateContainerState {
    /// Records an OOM kill of the `pod`'s container at `timestamp`, whose memory request at the kill
    /// was `memoryRequestBytes`, as an artificial memory sample (container.go `RecordOOM`).
    ///
    /// - Dropped when `timestamp` is more than one memory aggregation interval before the
    ///   container's last memory sample (upstream fix for issue #8548, PR #9725).
    /// - used = max(`memoryRequestBytes`, the interval's usage peak); the interval's OOM peak is left
    ///   out so repeated kills do not ratchet the recommendation up.
    /// - needed = max(used + `oomMinBumpUpBytes`, used × `oomBumpUpRatio`), added as a memory sample
    ///   at `timestamp` even when older than the last memory sample.
    @discardableResult
    public mutating func recordOOM(at timestamp: Timestamp, memoryRequestBytes: Int64,
                                   pod: String = "") -> OOMRecordOutcome {
        var instance = instances[pod] ?? ContainerInstanceState()
        let interval = configuration.memoryAggregationInterval.positiveMilliseconds
        if let last = instance.lastMemorySampleStart, timestamp < last.advanced(byMilliseconds: -interval) {
            return .discardedAsStale
        }
        let memoryUsed = Swift.max(memoryRequestBytes, instance.memoryPeak)
        let memoryNeeded = Swift.max(
            memoryUsed.addingSaturating(ResourceAmount.fromDouble(configuration.oomMinBumpUpBytes)),
            ResourceAmount.scaled(memoryUsed, by: configuration.oomBumpUpRatio))
        // An OOM sample is never negative, so it is always taken.
        _ = addMemorySample(bytes: memoryNeeded, at: timestamp, isOOM: true, to: &instance)
        instances[pod] = instance
        return .recorded(memoryNeededBytes: memoryNeeded)
    }
}
