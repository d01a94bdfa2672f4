import Testing
import Updater
import VPAModel

/// A resize someone else started (DESIGN §3.2): waited out under the same timeouts, never
/// resized on top of.
struct ManualResizeTests {
    static func manual(_ state: ResizeState, for elapsed: Int64) -> PodUnderVPA {
        // The person asked for 700m; the recommendation says 1000m.
        Fixture.pod("a", desiredRequests: Fixture.resources(cpu: 700, memoryMi: 512),
                    resize: Fixture.resizing(state, since: Fixture.ago(elapsed), initiator: .manual))
    }

    @Test(arguments: [VPAUpdateMode.recreate, .inPlaceOrRecreate])
    func manualDeferredIsWaitedOutThenEvicted(mode: VPAUpdateMode) {
        let waiting = Fixture.decideInGroupOfThree(mode, Self.manual(.pendingDeferred, for: 4 * Fixture.minute))
        #expect(waiting.action == .wait)
        #expect(waiting.reason.hasPrefix("manual resize Deferred for 4m0s, not over 5m0s"))
        let evicted = Fixture.decideInGroupOfThree(mode, Self.manual(.pendingDeferred, for: 6 * Fixture.minute))
        #expect(evicted.action == .evict)
    }

    @Test(arguments: [VPAUpdateMode.recreate, .inPlaceOrRecreate])
    func manualInProgressIsWaitedOutThenEvicted(mode: VPAUpdateMode) {
        #expect(Fixture.decideInGroupOfThree(mode, Self.manual(.inProgress, for: 59 * Fixture.minute)).action == .wait)
        #expect(Fixture.decideInGroupOfThree(mode, Self.manual(.inProgress, for: 61 * Fixture.minute)).action == .evict)
    }

    @Test func inPlaceNeverResizesOnTopOfAManualResize() {
        // A VPA resize asking for outdated values would be sent again; a manual one is left alone.
        let decision = Fixture.decideInGroupOfThree(.inPlace, Self.manual(.inProgress, for: 5 * Fixture.hour))
        #expect(decision.action == .wait)
        #expect(decision.cause == .resizeInProgress)
    }

    @Test func inPlaceOrRecreateNeverResizesOnTopOfAManualResize() {
        let decision = Fixture.decideInGroupOfThree(.inPlaceOrRecreate, Self.manual(.inProgress, for: Fixture.minute))
        #expect(decision.action == .wait)
    }
}
