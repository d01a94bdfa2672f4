import DaemonSupport
import OperationsHTTP
import Testing

/// `/healthz` of vpa-recommender and vpa-updater: upstream's health check (no loop for 5 intervals
/// fails it, armed only while the loop runs), on an injected instant rather than a sleep.
struct LoopActivityTests {
    @Test func aLeaderWhoseLoopStalledFor5IntervalsFailsAndAStandbyDoesNot() {
        let activity = LoopActivity(interval: .seconds(60))
        #expect(activity.activityTimeout == .seconds(300))
        let later = ContinuousClock.now + .seconds(301)
        // A standby waiting for the Lease runs no loop and is healthy however long it waits.
        #expect(activity.liveness(now: later) == .ok("ok: not leading, waiting"))

        activity.startMonitoring()
        #expect(activity.liveness(now: ContinuousClock.now + .seconds(299)).healthy)
        let stalled = activity.liveness(now: ContinuousClock.now + .seconds(301))
        #expect(!stalled.healthy)
        #expect(stalled.detail.hasSuffix("(limit 300 s: 5 intervals)"), "\(stalled.detail)")

        // A loop starting resets it; losing the lead disarms it.
        activity.recordActivity()
        #expect(activity.liveness(now: ContinuousClock.now + .seconds(200)).healthy)
        activity.stopMonitoring()
        #expect(activity.liveness(now: ContinuousClock.now + .seconds(10_000)).healthy)
    }
}
