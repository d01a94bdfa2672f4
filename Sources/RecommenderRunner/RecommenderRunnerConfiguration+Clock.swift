import StoreAPI

extension RecommenderRunnerConfiguration {
    /// Where a loop's "now" comes from when `runOnce(now:)` is not given one (see `LogClock`).
    public typealias Clock = LogClock
}
