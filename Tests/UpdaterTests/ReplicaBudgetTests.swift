import Testing
import Updater
import VPAModel

/// Min replicas and the disruption budget (upstream pkg/updater/restriction/pods_restriction_factory.go,
/// `GetCreatorMaps` and `isPodDisruptable`).
struct ReplicaBudgetTests {
    static let threeWanted = ["a", "b", "c"].map { Fixture.pod($0) }

    @Test(arguments: [VPAUpdateMode.recreate, .inPlaceOrRecreate, .inPlace])
    func threeReplicasAllowOneDisruptionPerLoop(mode: VPAUpdateMode) {
        let plan = Fixture.plan(mode, Self.threeWanted)
        #expect(plan.resizes.count + plan.evictions.count == 1)
        #expect(plan.decisions.count { $0.action == .wait && $0.cause == .budgetExhausted } == 2)
    }

    @Test func toleranceIsTruncated() {
        // int(5 × 0.5) = 2 pods per loop.
        let pods = (1...5).map { Fixture.pod("p\($0)") }
        #expect(Fixture.plan(.recreate, pods).evictions.count == 2)
    }

    @Test func belowMinReplicasNothingHappens() {
        let decision = Fixture.plan(.recreate, [Fixture.pod("a")]).decisions[0]
        #expect(decision.action == .none)
        #expect(decision.cause == .belowMinReplicas)
    }

    @Test func perVPAMinReplicasOverridesTheSetting() {
        // One replica with minReplicas 1: tolerance 0, allowed by the second clause of isPodDisruptable.
        #expect(Fixture.plan(.recreate, [Fixture.pod("a")], minReplicas: 1).decisions[0].action == .evict)
        let plan = Fixture.plan(.recreate, Self.threeWanted, minReplicas: 4)
        #expect(plan.decisions.allSatisfy { $0.cause == .belowMinReplicas })
    }

    @Test func minReplicasIsASetting() {
        let plan = Fixture.plan(.recreate, Self.threeWanted, configuration: UpdaterConfiguration(minReplicas: 4))
        #expect(plan.decisions.allSatisfy { $0.cause == .belowMinReplicas })
    }

    @Test func missingReplicasUseUpTheBudget() {
        // Three live of five configured: 3 − 0 > 5 − 2 is false.
        let plan = Fixture.plan(.recreate, Self.threeWanted, configuredReplicas: 5)
        #expect(plan.decisions.allSatisfy { $0.cause == .budgetExhausted })
    }

    @Test func unknownReplicaCountIsTheLivePodCount() {
        let plan = UpdatePlanner().plan(for: Fixture.vpa(.recreate),
                                        group: ReplicaGroup(configuredReplicas: nil, pods: Self.threeWanted),
                                        now: Fixture.now)
        #expect(plan.evictions.count == 1)
    }

    @Test func zeroReplicaCountLeavesTheGroupAlone() {
        let plan = Fixture.plan(.recreate, Self.threeWanted, configuredReplicas: 0)
        #expect(plan.decisions.allSatisfy { $0.cause == .noReplicaCount })
    }

    @Test func inPlaceResizesCountAgainstTheBudget() {
        let plan = Fixture.plan(.inPlaceOrRecreate, Self.threeWanted)
        #expect(plan.resizes.count == 1)
        #expect(plan.decision(forPod: "b")?.reason.contains("1 already disrupted this loop") == true)
    }
}
