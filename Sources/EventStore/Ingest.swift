import VPAModel

/// One thing seen in the cluster, ready to be ingested.
public enum Observation: Hashable, Sendable {
    /// A pod as it is now (a Pod object, a list item, a watch ADDED or MODIFIED).
    case pod(PodObservation)
    /// A pod that is gone (watch DELETED).
    case podDeleted(PodObservation)
    /// An `Evicted` event naming memory.
    case eviction(EvictionObservation)
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
    /// First and last positions appended, when anything was.
    public var firstPosition: Int64?
    public var lastPosition: Int64?

    public init() {}

    mutating func add(_ other: IngestSummary) {
        observations += other.observations
        podsObserved += other.podsObserved
        eventsAppended += other.eventsAppended
        unchanged += other.unchanged
        stale += other.stale
        resizeTransitions += other.resizeTransitions
        oomKills += other.oomKills
        evictions += other.evictions
        inPlaceModeChanges += other.inPlaceModeChanges
        firstPosition = firstPosition ?? other.firstPosition
        lastPosition = other.lastPosition ?? lastPosition
    }
}

extension EventStore {
    /// Ingests observations made at `observedAt`, appending the events they imply: the observations
    /// that differ from what the store has, and the resize transitions, OOM kills and in-place
    /// switch they imply, each pointing at its cause.
    ///
    /// Each batch of `batchSize` observations is one transaction: all of it is appended or none
    /// (nil = the whole input is one batch). A failed batch leaves log and projection as they were.
    ///
    /// - Parameters:
    ///   - inPlaceMode: sets the in-place setting first, when it differs from the stored one.
    public func ingest(_ observations: [Observation], observedAt: Timestamp, recordedAt: Timestamp = .now,
                       inPlaceMode: InPlaceMode? = nil, batchSize: Int? = nil) throws(StoreError) -> IngestSummary {
        guard access == .readWrite else { throw .invalidArgument("the store was opened read-only") }
        let size = max(1, batchSize ?? observations.count)
        var summary = IngestSummary()
        var start = 0
        repeat {
            let batch = observations[start..<min(start + size, observations.count)]
            let setMode = start == 0 ? inPlaceMode : nil
            summary.add(try transaction { batchWriter in
                try batchWriter.ingest(batch, observedAt: observedAt, recordedAt: recordedAt, inPlaceMode: setMode)
            })
            start += size
        } while start < observations.count
        if projection.position - snapshotPosition >= snapshotEvery { try writeSnapshot() }
        return summary
    }

    /// Appends a `ResizeRequested` event for the pod with this stream key (its UID, or
    /// namespace/name), as the updater does before it patches a pod.
    @discardableResult
    public func recordResizeRequest(_ request: ResizeRequest, podKey: String, at: Timestamp,
                                    recordedAt: Timestamp = .now) throws(StoreError) -> Int64 {
        guard let streamID = projection.streamByKey[podKey] ?? projection.liveStreamByName[podKey] else {
            throw .invalidArgument("no pod with UID or namespace/name \(podKey) in the store")
        }
        return try transaction { writer in
            try writer.append(.resizeRequested(request), stream: streamID, at: at, recordedAt: recordedAt, causedBy: nil)
        }
    }

    /// Runs `body` in one write transaction with a batch writer. On failure the transaction is
    /// rolled back and the projection reloaded from the database (snapshot plus log), so memory never
    /// runs ahead of the log. Reloading costs a replay of the log after the snapshot, but only on the
    /// rare failure path; saving a copy of the projection before every batch would cost a full copy
    /// of it per batch on the hot path.
    func transaction<T>(_ body: (BatchWriter) throws -> T) throws(StoreError) -> T {
        do {
            return try connection.transaction {
                let writer = try BatchWriter(store: self)
                return try body(writer)
            }
        } catch {
            try load()
            throw StoreError.wrapping(error)
        }
    }
}
