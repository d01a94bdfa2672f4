import StoreAPI
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
    /// How long (on the runner's clock) a resize or eviction already sent is not sent again while
    /// the store does not show its result (`--resend-after`): a resize until the pod's spec has the
    /// targets, an eviction until the pod is gone. A resize with other targets is sent at once.
    public var resendAfter: Duration

    /// Upstream's defaults, the wall clock, and a minute before a request is sent again.
    public init(planner: UpdaterConfiguration = UpdaterConfiguration(), clock: Clock = .wall, name: String = "vpa-updater",
                resendAfter: Duration = .seconds(60)) {
        self.planner = planner
        self.clock = clock
        self.name = name
        self.resendAfter = resendAfter
    }
}
