/// One thing seen in the cluster, ready to be ingested.
public enum Observation: Hashable, Sendable {
    /// A pod as it is now (a Pod object, a list item, a watch ADDED or MODIFIED).
    case pod(PodObservation)
    /// A pod that is gone (watch DELETED).
    case podDeleted(PodObservation)
    /// An `Evicted` event naming memory.
    case eviction(EvictionObservation)
    /// A VerticalPodAutoscaler as it is now.
    case vpa(VPAObservation)
    /// A VerticalPodAutoscaler that is gone (watch DELETED).
    case vpaDeleted(VPAObservation)
    /// One pod's usage over a window (metrics API).
    case usage(UsageObservation)
    /// A LimitRange as it is now.
    case limitRange(LimitRangeObservation)
    /// A LimitRange that is gone (watch DELETED).
    case limitRangeDeleted(LimitRangeObservation)
    /// An upstream recommender's checkpoint of one container, to migrate its history.
    case upstreamCheckpoint(UpstreamCheckpointObservation)
}

/// What one ingest did.
public struct IngestSummary: Hashable, Sendable {
    /// Observations handed to the store.
    public var observations = 0
    /// Pods among them (including deletions).
    public var podsObserved = 0
    /// Events appended, derived ones included.
    public var eventsAppended = 0
    /// Observations equal to what the store already had (informer resyncs): nothing appended.
    public var unchanged = 0
    /// Pod observations older than the pod's last one: not appended, since the log would go back in time.
    public var stale = 0
    /// Derived resize transitions appended.
    public var resizeTransitions = 0
    /// Derived OOM kills appended.
    public var oomKills = 0
    /// Evicted events recorded.
    public var evictions = 0
    /// Whether the in-place setting changed (set, or `auto` turned on).
    public var inPlaceModeChanges = 0
    /// VerticalPodAutoscaler objects (and deletions) read.
    public var vpasObserved = 0
    /// Usage samples appended (one per pod per window).
    public var usageSamples = 0
    /// Usage samples of pods the store does not have live, or naming none of the pod's containers:
    /// not appended (the pod's own observation must come first; ingest pods before their metrics).
    public var usageWithoutPod = 0
    /// LimitRange objects (and deletions) read.
    public var limitRangesObserved = 0
    /// Upstream checkpoints added to a VPA's recommender checkpoint.
    public var checkpointsImported = 0
    /// Upstream checkpoints not imported: their VPA is not in the store (ingest the VPAs first), or
    /// its checkpoint already has the container.
    public var checkpointsSkipped = 0
    /// First and last positions appended, when anything was.
    public var firstPosition: Int64?
    public var lastPosition: Int64?

    public init() {}

    /// Adds another summary's counts (the next batch of the same ingest).
    public mutating func add(_ other: IngestSummary) {
        observations += other.observations
        podsObserved += other.podsObserved
        eventsAppended += other.eventsAppended
        unchanged += other.unchanged
        stale += other.stale
        resizeTransitions += other.resizeTransitions
        oomKills += other.oomKills
        evictions += other.evictions
        inPlaceModeChanges += other.inPlaceModeChanges
        vpasObserved += other.vpasObserved
        usageSamples += other.usageSamples
        usageWithoutPod += other.usageWithoutPod
        limitRangesObserved += other.limitRangesObserved
        checkpointsImported += other.checkpointsImported
        checkpointsSkipped += other.checkpointsSkipped
        firstPosition = firstPosition ?? other.firstPosition
        lastPosition = other.lastPosition ?? lastPosition
    }
}

