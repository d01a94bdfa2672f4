import StoreAPI
import VPAStoreClient

extension UpdaterRunnerConfiguration {
    /// Where a loop's "now" comes from when `runOnce(now:)` is not given one (see `LogClock`).
    public typealias Clock = LogClock
}
