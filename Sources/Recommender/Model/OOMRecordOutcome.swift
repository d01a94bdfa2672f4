/// What `AggregateContainerState.recordOOM(at:memoryRequestBytes:pod:)` did with an OOM kill
/// (upstream pkg/recommender/model/container.go `RecordOOM`).
public enum OOMRecordOutcome: Hashable, Sendable {
    /// The kill became a memory sample of `memoryNeededBytes` = max(used + min bump, used × ratio),
    /// where used = max(request at the kill, the interval's usage peak). The histogram changes only
    /// when this is larger than the peak the interval already holds.
    case recorded(memoryNeededBytes: Int64)
    /// The kill is more than one memory aggregation interval older than the container's last memory
    /// sample, so it was dropped.
    case discardedAsStale
}
