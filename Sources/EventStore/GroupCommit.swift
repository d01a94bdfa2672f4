import VPAModel

/// One Ingest call of a group commit (see `EventStore.ingest(group:)`).
public struct GroupedIngest {
    public var observations: [Observation]
    public var observedAt: Timestamp
    public var recordedAt: Timestamp
    public var inPlaceMode: InPlaceMode?
    public var condition: WriteCondition<IngestSummary>

    public init(observations: [Observation], observedAt: Timestamp, recordedAt: Timestamp, inPlaceMode: InPlaceMode? = nil,
                condition: WriteCondition<IngestSummary> = .init()) {
        self.observations = observations
        self.observedAt = observedAt
        self.recordedAt = recordedAt
        self.inPlaceMode = inPlaceMode
        self.condition = condition
    }
}

/// What became of one call of a group commit.
public enum GroupedIngestOutcome {
    /// Appended and committed. `headPosition` is the log's head right after this call (not after the
    /// whole group): the same head its stored idempotent answer holds, so a retry gets exactly the
    /// answer the first try got.
    case appended(IngestSummary, headPosition: Int64)
    /// Its idempotency key was answered before (by an earlier commit, or earlier in this group):
    /// the stored answer, nothing appended.
    case replayed([UInt8])
    /// Nothing of it was appended.
    case failed(StoreError)
}

extension EventStore {
    /// Ingests several calls in one transaction with one commit, so concurrent writers share one
    /// fsync instead of paying one each (group commit). Each call stays all-or-nothing on its own:
    /// it runs in a savepoint, and a call that fails is rolled back to it while the others commit.
    /// Calls are applied in order, so a later call sees the effect of an earlier one, exactly as if
    /// they had been committed one after the other.
    ///
    /// Usage retention and the snapshot run after the commit (`afterCommit`).
    public func ingest(group: [GroupedIngest]) -> [GroupedIngestOutcome] {
        guard access == .readWrite else { return group.map { _ in .failed(.invalidArgument("the store was opened read-only")) } }
        let keptBefore = appendedEvents.count
        var outcomes: [GroupedIngestOutcome] = []
        var usageAppended = false
        do {
            try connection.execute("BEGIN IMMEDIATE")
            let writer = try BatchWriter(store: self)
            for call in group {
                outcomes.append(try ingest(call, with: writer))
                if case .appended(let summary, _) = outcomes.last, summary.usageSamples > 0 { usageAppended = true }
            }
            try connection.execute("COMMIT")
        } catch {
            // The transaction itself failed (BEGIN, COMMIT, or reloading after a rolled-back call):
            // nothing of the group is in the log.
            try? connection.execute("ROLLBACK")
            appendedEvents.removeSubrange(keptBefore...)
            try? load()
            return group.map { _ in .failed(StoreError.wrapping(error)) }
        }
        afterCommit(usageAppended: usageAppended, recordedAt: group.last?.recordedAt ?? .now)
        return outcomes
    }

    /// One call of a group, inside the group's open transaction.
    private func ingest(_ call: GroupedIngest, with writer: BatchWriter) throws -> GroupedIngestOutcome {
        if let idempotency = call.condition.idempotency {
            do {
                if let stored = try storedAnswer(idempotencyKey: idempotency.key, method: idempotency.method) {
                    return .replayed(stored)
                }
            } catch {
                return .failed(error)
            }
        }
        do {
            try checkExpectedHead(call.condition.expectedHead)
        } catch {
            return .failed(error)
        }
        let keptBefore = appendedEvents.count
        try connection.execute("SAVEPOINT grouped_ingest")
        do {
            let summary = try writer.ingest(call.observations[...], observedAt: call.observedAt, recordedAt: call.recordedAt,
                                            inPlaceMode: call.inPlaceMode)
            try recordAnswer(call.condition.idempotency, summary, recordedAt: call.recordedAt)
            try connection.execute("RELEASE grouped_ingest")
            return .appended(summary, headPosition: projection.position)
        } catch {
            try connection.execute("ROLLBACK TO grouped_ingest")
            try connection.execute("RELEASE grouped_ingest")
            appendedEvents.removeSubrange(keptBefore...)
            // Memory ran ahead of the rolled-back call: rebuild it from the snapshot and the log as
            // this transaction now sees it (the earlier calls of the group included).
            try loadInTransaction()
            return .failed(StoreError.wrapping(error))
        }
    }
}
