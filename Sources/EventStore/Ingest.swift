import VPAModel

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
    ///   - condition: an expected head and an idempotency key (whole-input batches only).
    public func ingest(_ observations: [Observation], observedAt: Timestamp, recordedAt: Timestamp = .now,
                       inPlaceMode: InPlaceMode? = nil, batchSize: Int? = nil,
                       condition: WriteCondition<IngestSummary> = .init()) throws(StoreError) -> IngestSummary {
        guard access == .readWrite else { throw .invalidArgument("the store was opened read-only") }
        guard batchSize == nil || condition.isUnconditional else {
            throw .invalidArgument("an expected head or idempotency key needs the whole input as one batch")
        }
        try checkExpectedHead(condition.expectedHead)
        let size = max(1, batchSize ?? observations.count)
        var summary = IngestSummary()
        var start = 0
        repeat {
            let batch = observations[start..<min(start + size, observations.count)]
            let setMode = start == 0 ? inPlaceMode : nil
            summary.add(try transaction { batchWriter in
                let batchSummary = try batchWriter.ingest(batch, observedAt: observedAt, recordedAt: recordedAt,
                                                          inPlaceMode: setMode)
                try recordAnswer(condition.idempotency, batchSummary, recordedAt: recordedAt)
                return batchSummary
            })
            start += size
        } while start < observations.count
        afterCommit(usageAppended: summary.usageSamples > 0, recordedAt: recordedAt)
        return summary
    }

    /// What follows an ingest's commit: the usage retention sweep when usage was appended, and a
    /// snapshot when one is due. Neither may fail an ingest that is already in the log: a failed
    /// sweep or snapshot is tried again after the next ingest.
    func afterCommit(usageAppended: Bool, recordedAt: Timestamp) {
        if usageAppended, let retention = usageRetention {
            _ = try? expireUsage(retention: retention, recordedAt: recordedAt)
        }
        if projection.position - snapshotPosition >= snapshotEvery { try? writeSnapshot() }
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
        let keptBefore = appendedEvents.count
        do {
            return try connection.transaction {
                let writer = try BatchWriter(store: self)
                let result = try body(writer)
                try writer.flush()
                return result
            }
        } catch {
            appendedEvents.removeSubrange(keptBefore...)
            try load()
            throw StoreError.wrapping(error)
        }
    }
}
