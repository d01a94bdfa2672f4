import VPAModel

extension EventStore {
    /// Upstream's recommender looks 8 days back (`--history-length=8d`, and 8 days of memory peaks
    /// in its checkpoints); older usage cannot change a recommendation.
    public static let defaultUsageRetention: Duration = .seconds(8 * 86_400)

    /// Removes the `UsageSampled` events (and their `usage_samples` rows) whose window ended more
    /// than `retention` before the newest sample, and appends one `UsageExpired` marker that says
    /// how many it removed, all in one transaction.
    ///
    /// Time is the data's own: the newest sample, not the wall clock, so a cluster replayed or
    /// simulated at another time expires by its own clock, and nothing expires while no usage
    /// arrives; but never later than `recordedAt`, so a sample stamped in the future cannot cut
    /// everyone's history. Usage samples are the only events ever removed; they are not linked into their
    /// stream and never intern a container, so every other event, chain and projection row is
    /// unchanged, and `verify` checks the missing positions against the markers.
    ///
    /// Runs only once the oldest sample is `slack` past the cut (default: a tenth of the retention,
    /// at most a minute), so a steady stream of samples costs one marker per slack, not per batch.
    ///
    /// - Returns: what was removed, or nil when nothing was due.
    @discardableResult
    public func expireUsage(retention: Duration, recordedAt: Timestamp = .now,
                            slack: Duration? = nil) throws(StoreError) -> UsageExpiry? {
        guard access == .readWrite else { throw .invalidArgument("the store was opened read-only") }
        guard retention > .zero else { throw .invalidArgument("the usage retention must be longer than zero") }
        let retentionMilliseconds = retention.wholeMilliseconds
        let slackMilliseconds = (slack ?? min(retention / 10, .seconds(60))).wholeMilliseconds
        let range: (oldest: Int64, newest: Int64)? = try wrap {
            let select = try statement("SELECT min(at_ms), max(at_ms) FROM usage_samples")
            var range: (Int64, Int64)?
            try select.forEachRow { row in
                if let oldest = row.optionalInt(0), let newest = row.optionalInt(1) { range = (oldest, newest) }
            }
            return range
        }
        guard let range else { return nil }
        // The data's clock, but never ahead of the store's: one sample stamped in the future (a
        // node with a wrong clock) must not cut everybody's usage.
        let clock = min(range.newest, recordedAt.unixMilliseconds)
        let cut = clock - retentionMilliseconds
        guard range.oldest < cut - slackMilliseconds else { return nil }
        let before = Timestamp(unixMilliseconds: cut)
        return try transaction { writer in
            try statement("""
                DELETE FROM events WHERE type = ?1 AND position IN (SELECT position FROM usage_samples WHERE at_ms < ?2)
                """).run([.int(Int64(EventType.usageSampled.rawValue)), .int(cut)])
            let expiry = UsageExpiry(before: before, eventsRemoved: connection.changes)
            try writer.append(.usageExpired(expiry), stream: Self.storeStreamID,
                              at: Timestamp(unixMilliseconds: clock), recordedAt: recordedAt, causedBy: nil)
            return expiry
        }
    }
}
