import Testing
import Updater
import VPAModel

/// What each update mode does with a pod whose update is wanted (upstream pkg/updater/logic/updater.go).
struct UpdateModeTests {
    @Test(arguments: [VPAUpdateMode.off, .initial])
    func offAndInitialDoNothing(mode: VPAUpdateMode) {
        let plan = Fixture.plan(mode, [Fixture.pod("a"), Fixture.pod("b"), Fixture.pod("c")])
        #expect(plan.decisions.count == 3)
        #expect(plan.decisions.allSatisfy { $0.action == .none && $0.cause == .updateModeOff })
    }

    @Test func recreateEvicts() {
        let decision = Fixture.decide(.recreate, Fixture.pod("a"))
        #expect(decision.action == .evict)
        #expect(decision.cause == .outsideRecommendedRange)
    }

    @Test func autoIsRecreate() {
        let plan = Fixture.plan(.auto, [Fixture.pod("a")], minReplicas: 1)
        #expect(plan.mode == .recreate)
        #expect(plan.decisions[0].action == .evict)
    }

    @Test func inPlaceOrRecreateResizesInPlace() {
        let decision = Fixture.decide(.inPlaceOrRecreate, Fixture.pod("a"))
        #expect(decision.action == .resizeInPlace(targets: [
            ResizeRequest.Target(container: "app", resources: ResourceRequirements(
                requests: Fixture.resources(cpu: 1000, memoryMi: 1024))),
        ]))
        #expect(decision.cause == .outsideRecommendedRange)
    }

    @Test func inPlaceResizesInPlace() {
        #expect(Fixture.decide(.inPlace, Fixture.pod("a")).action.resizeTargets != nil)
    }

    @Test(arguments: [ResizeState.pendingDeferred, .pendingInfeasible, .inProgress, .inProgressError])
    func inPlaceNeverEvicts(state: ResizeState) {
        // Days into a resize the VPA started for the current recommendation.
        let pod = Fixture.pod("a", desiredRequests: Fixture.resources(cpu: 1000, memoryMi: 1024),
                              resize: Fixture.resizing(state, since: Fixture.ago(72 * Fixture.hour), reason: "Error"))
        let decision = Fixture.decideInGroupOfThree(.inPlace, pod)
        #expect(decision.action == .wait)
        #expect(decision.reason.contains("InPlace never evicts"))
    }

    @Test func inPlaceResendsWhenTheRecommendationMovedDuringAResize() {
        // The VPA's Deferred resize asks for 700m; the recommendation is now 1000m.
        let pod = Fixture.pod("a", desiredRequests: Fixture.resources(cpu: 700, memoryMi: 1024),
                              resize: Fixture.resizing(.pendingDeferred, since: Fixture.ago(Fixture.minute)))
        let decision = Fixture.decideInGroupOfThree(.inPlace, pod)
        #expect(decision.action.resizeTargets?.first?.resources.requests.cpuMillicores == 1000)
        #expect(decision.cause == .resizeDeferred)
        #expect(decision.reason.contains("app cpu 700m → 1000m"))
    }

    @Test func inPlaceRetriesAnInfeasibleResizeOnlyForLowerRequests() {
        let higher = Fixture.pod("a", desiredRequests: Fixture.resources(cpu: 900, memoryMi: 1024),
                                 resize: Fixture.resizing(.pendingInfeasible, since: Fixture.now))
        #expect(Fixture.decideInGroupOfThree(.inPlace, higher).action == .wait)
        let lower = Fixture.pod("a", desiredRequests: Fixture.resources(cpu: 4000, memoryMi: 1024),
                                resize: Fixture.resizing(.pendingInfeasible, since: Fixture.now))
        let decision = Fixture.decideInGroupOfThree(.inPlace, lower)
        #expect(decision.action.resizeTargets != nil)
        #expect(decision.cause == .resizeInfeasible)
    }

    @Test func pendingPodWaitsForInPlace() {
        for mode in [VPAUpdateMode.inPlaceOrRecreate, .inPlace] {
            let decision = Fixture.decide(mode, Fixture.pod("a", phase: "Pending"))
            #expect(decision.action == .wait)
            #expect(decision.cause == .podPending)
        }
    }

    @Test func recreateEvictsAPendingPodWithoutUsingTheBudget() {
        // Two running pods of three configured: no budget for them, but the Pending pod may go.
        let plan = Fixture.plan(.recreate, [Fixture.pod("pending", phase: "Pending"), Fixture.pod("a"), Fixture.pod("b")])
        #expect(plan.decision(forPod: "pending")?.action == .evict)
        #expect(plan.decision(forPod: "a")?.cause == .budgetExhausted)
        #expect(plan.decision(forPod: "b")?.cause == .budgetExhausted)
    }

    @Test func recreateWaitsOutAResizeThenEvicts() {
        let young = Fixture.pod("a", resize: Fixture.resizing(.inProgress, since: Fixture.ago(30 * Fixture.minute)))
        #expect(Fixture.decideInGroupOfThree(.recreate, young).action == .wait)
        let old = Fixture.pod("a", resize: Fixture.resizing(.inProgress, since: Fixture.ago(61 * Fixture.minute)))
        #expect(Fixture.decideInGroupOfThree(.recreate, old).action == .evict)
    }

    @Test func finishedPodsAreIgnoredAndNotCounted() {
        let plan = Fixture.plan(.recreate, [Fixture.pod("done", phase: "Succeeded"), Fixture.pod("a")],
                                configuredReplicas: 1, minReplicas: 1)
        #expect(plan.decision(forPod: "done")?.cause == .podFinished)
        #expect(plan.decision(forPod: "a")?.action == .evict)
    }

    @Test func podWithoutRecommendationIsLeftAlone() {
        let decision = Fixture.decide(.inPlaceOrRecreate, Fixture.pod("a", recommendations: []))
        #expect(decision.action == .none)
        #expect(decision.cause == .noRecommendation)
    }

    @Test func containerWithScalingOffHasNoRecommendation() {
        let decision = Fixture.decide(.recreate, Fixture.pod("a"),
                                      policies: [ContainerResourcePolicy(containerName: "*", scalingOff: true)])
        #expect(decision.cause == .noRecommendation)
    }
}
