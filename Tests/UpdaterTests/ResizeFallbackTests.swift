import Testing
import Updater
import VPAModel

/// Falling back from a resize to eviction (DESIGN §3.2; upstream `CanInPlaceUpdate` and
/// `CanEvictInPlacingPod`, pkg/updater/restriction/pods_inplace_restriction.go).
struct ResizeFallbackTests {
    /// Upstream's fake clock in pods_inplace_restriction_test.go: `UnixMilli(3600001)`.
    static let upstreamClock = Timestamp(unixMilliseconds: 3_600_001)
    static let zero = Timestamp(unixMilliseconds: 0)
    static let oneHour = Timestamp(unixMilliseconds: 3_600_000)

    static func resizingPod(_ state: ResizeState, since: Timestamp?, initiator: ResizeInitiator = .vpa,
                            reason: String = "") -> PodUnderVPA {
        // The resize in flight asks for the current target, so InPlace has nothing new to send.
        Fixture.pod("test-1", desiredRequests: Fixture.resources(cpu: 1000, memoryMi: 1024), startTime: nil,
                    resize: Fixture.resizing(state, since: since, initiator: initiator, reason: reason))
    }

    // The table of research/UPSTREAM-VPA.md §6: three replicas, tolerance 0.5.

    @Test func upstreamDeferredSinceOneHourAtOneHourOneMillisecondWaits() {
        let pod = Self.resizingPod(.pendingDeferred, since: Self.oneHour)
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, pod, now: Self.upstreamClock)
        #expect(decision.action == .wait)
        #expect(decision.cause == .resizeDeferred)
    }

    @Test func upstreamInProgressSinceZeroAtOneHourOneMillisecondEvicts() {
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, Self.resizingPod(.inProgress, since: Self.zero),
                                                    now: Self.upstreamClock)
        #expect(decision.action == .evict)
        #expect(decision.cause == .resizeInProgress)
    }

    @Test func upstreamInProgressSinceOneHourWaits() {
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, Self.resizingPod(.inProgress, since: Self.oneHour),
                                                    now: Self.upstreamClock)
        #expect(decision.action == .wait)
        #expect(decision.cause == .resizeInProgress)
    }

    @Test func upstreamInfeasibleEvicts() {
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, Self.resizingPod(.pendingInfeasible, since: nil),
                                                    now: Self.upstreamClock)
        #expect(decision.action == .evict)
        #expect(decision.cause == .resizeInfeasible)
    }

    @Test func upstreamInPlaceInProgressForTwoHoursWaits() {
        let decision = Fixture.decideInGroupOfThree(.inPlace, Self.resizingPod(.inProgress, since: Self.zero),
                                                    now: Timestamp(unixMilliseconds: 2 * Fixture.hour))
        #expect(decision.action == .wait)
        #expect(decision.cause == .resizeInProgress)
    }

    @Test func upstreamInPlaceInfeasibleWaitsAndReportsInfeasible() {
        let decision = Fixture.decideInGroupOfThree(.inPlace, Self.resizingPod(.pendingInfeasible, since: nil),
                                                    now: Self.upstreamClock)
        #expect(decision.action == .wait)
        #expect(decision.cause == .resizeInfeasible)
        #expect(decision.reason.hasPrefix("resize Infeasible: waiting until the recommendation asks for less"))
    }

    @Test func upstreamInPlaceErrorWaits() {
        let decision = Fixture.decideInGroupOfThree(.inPlace, Self.resizingPod(.inProgressError, since: Self.zero,
                                                                              reason: "Error"),
                                                    now: Self.oneHour)
        #expect(decision.action == .wait)
        #expect(decision.cause == .resizeError)
    }

    // The timeouts, strictly greater than, on the store's durable clock.

    @Test(arguments: [(4 * Fixture.minute + 59 * Fixture.second, UpdateAction.wait),
                      (5 * Fixture.minute, .wait),
                      (5 * Fixture.minute + Fixture.second, .evict)])
    func deferredFallsBackAfterFiveMinutes(elapsed: Int64, expected: UpdateAction) {
        let pod = Self.resizingPod(.pendingDeferred, since: Fixture.ago(elapsed))
        #expect(Fixture.decideInGroupOfThree(.inPlaceOrRecreate, pod).action == expected)
    }

    @Test(arguments: [(59 * Fixture.minute, UpdateAction.wait), (61 * Fixture.minute, .evict)])
    func inProgressFallsBackAfterOneHour(elapsed: Int64, expected: UpdateAction) {
        let pod = Self.resizingPod(.inProgress, since: Fixture.ago(elapsed))
        #expect(Fixture.decideInGroupOfThree(.inPlaceOrRecreate, pod).action == expected)
    }

    @Test func errorEvictsAtOnce() {
        let pod = Self.resizingPod(.inProgressError, since: Fixture.now, reason: "Error")
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, pod)
        #expect(decision.action == .evict)
        #expect(decision.cause == .resizeError)
    }

    @Test func unknownConditionReasonEvictsAtOnce() {
        // VPAModel maps a reason upstream does not know to in_progress_error and keeps the reason.
        let pod = Self.resizingPod(.inProgressError, since: Fixture.now, reason: "SomethingNew")
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, pod)
        #expect(decision.action == .evict)
        #expect(decision.reason.hasPrefix("resize SomethingNew: evicting"))
    }

    @Test func resizeFirstSeenWithoutSinceStartsTheClockNow() {
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, Self.resizingPod(.pendingDeferred, since: nil))
        #expect(decision.action == .wait)
        #expect(decision.reason.hasPrefix("resize Deferred for 0s, not over 5m0s"))
    }

    @Test func timeoutsAreSettings() {
        let configuration = UpdaterConfiguration(resizeTimeouts: ResizeTimeouts(deferred: .milliseconds(Fixture.minute)))
        let pod = Self.resizingPod(.pendingDeferred, since: Fixture.ago(2 * Fixture.minute))
        #expect(Fixture.decide(.inPlaceOrRecreate, pod, configuration: configuration).action == .evict)
    }

    @Test func reasonTellsTheClockAndTheFallback() {
        let pod = Self.resizingPod(.pendingDeferred, since: Fixture.ago(6 * Fixture.minute + 12 * Fixture.second))
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, pod)
        #expect(decision.reason.hasPrefix("resize Deferred for 6m12s > 5m0s: evicting (InPlaceOrRecreate fallback)"))
    }

    @Test func fallbackEvictionNeedsTheBudget() {
        // Three replicas allow one disruption per loop. The timed-out pod comes first in priority, but
        // upstream evicts after all in-place resizes, and the resize of the other pod used the budget.
        let stuck = Fixture.pod("stuck", requests: Fixture.resources(cpu: 100, memoryMi: 100),
                                resize: Fixture.resizing(.pendingInfeasible, since: Fixture.now))
        let plain = Fixture.pod("plain")
        let idle = Fixture.pod("idle", requests: Fixture.resources(cpu: 1000, memoryMi: 1024))
        let plan = Fixture.plan(.inPlaceOrRecreate, [stuck, plain, idle])
        #expect(plan.decision(forPod: "plain")?.action.resizeTargets != nil)
        #expect(plan.decision(forPod: "stuck")?.action == .wait)
        #expect(plan.decision(forPod: "stuck")?.cause == .budgetExhausted)
    }
}
