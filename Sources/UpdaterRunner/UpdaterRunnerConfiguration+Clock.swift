import StoreAPI

extension UpdaterRunnerConfiguration {
    /// Where a loop's "now" comes from when `runOnce(now:)` is not given one (see `LogClock`).
    public typealias Clock = LogClock
}
