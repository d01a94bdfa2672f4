import Testing
import Updater
import VPAModel

/// The order of updates and of the plan (upstream `PodPriority.Less`, `GetSortedPods`; `RunOnce`
/// resizes first and evicts after).
struct UpdateOrderTests {
    /// A budget that never runs out for three pods.
    static let generous = UpdaterConfiguration(evictionTolerance: 1.0)

    @Test func scaleUpsFirstThenLargerChange() {
        let down = Fixture.pod("down", requests: Fixture.resources(cpu: 2000, memoryMi: 2048)) // diff 1.0
        let upSmall = Fixture.pod("up-small", requests: Fixture.resources(cpu: 700, memoryMi: 1024)) // diff 0.43
        let upBig = Fixture.pod("up-big", requests: Fixture.resources(cpu: 500, memoryMi: 512)) // diff 2.0
        let plan = Fixture.plan(.recreate, [down, upSmall, upBig], configuration: Self.generous)
        #expect(plan.evictions.map(\.name) == ["up-big", "up-small", "down"])
    }

    @Test func budgetGoesToTheHighestPriority() {
        let small = Fixture.pod("small", requests: Fixture.resources(cpu: 700, memoryMi: 1024))
        let big = Fixture.pod("big", requests: Fixture.resources(cpu: 100, memoryMi: 100))
        let other = Fixture.pod("other", requests: Fixture.resources(cpu: 1000, memoryMi: 1024))
        let plan = Fixture.plan(.inPlaceOrRecreate, [small, big, other])
        #expect(plan.resizes.map(\.name) == ["big"])
        #expect(plan.decision(forPod: "small")?.cause == .budgetExhausted)
    }

    @Test func equalPrioritiesKeepTheGivenOrder() {
        let pods = ["c", "a", "b"].map { Fixture.pod($0) }
        #expect(Fixture.plan(.recreate, pods, configuration: Self.generous).evictions.map(\.name) == ["c", "a", "b"])
    }

    @Test func planListsResizesThenEvictionsThenWaitsThenTheRest() {
        let idle = Fixture.pod("idle", requests: Fixture.resources(cpu: 1000, memoryMi: 1024))
        let stuck = Fixture.pod("stuck", requests: Fixture.resources(cpu: 100, memoryMi: 100),
                                resize: Fixture.resizing(.pendingInfeasible, since: Fixture.now))
        let plain = Fixture.pod("plain")
        let pending = Fixture.pod("pending", phase: "Pending")
        let plan = Fixture.plan(.inPlaceOrRecreate, [idle, stuck, plain, pending], configuration: Self.generous)
        #expect(plan.decisions.map(\.name) == ["plain", "stuck", "pending", "idle"])
        #expect(plan.decisions.map(\.action.kindForTest) == ["resize", "evict", "wait", "none"])
    }
}

extension UpdateAction {
    var kindForTest: String {
        switch self {
        case .resizeInPlace: "resize"
        case .evict: "evict"
        case .wait: "wait"
        case .none: "none"
        }
    }
}
