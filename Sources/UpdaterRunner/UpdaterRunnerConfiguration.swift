import VPAStoreClient
import Updater

/// How `UpdaterRunner` runs: the rules' settings, the clock and the name it writes under.
public struct UpdaterRunnerConfiguration: Hashable, Sendable {
    /// Min replicas, eviction tolerance, update threshold, lifetime and quick-OOM thresholds, resize
    /// timeouts (upstream's flags; the timeouts are also sent to the store's `ListPods`).
    public var planner: UpdaterConfiguration
    /// Where "now" comes from when `runOnce(now:)` is not given one.
    public var clock: Clock
    /// `ResizeRequest.requestedBy` and the prefix of idempotency keys.
    public var name: String

    /// Upstream's defaults and the wall clock.
    public init(planner: UpdaterConfiguration = UpdaterConfiguration(), clock: Clock = .wall, name: String = "vpa-updater") {
        self.planner = planner
        self.clock = clock
        self.name = name
    }
}
