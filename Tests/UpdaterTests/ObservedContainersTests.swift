import Testing
import Updater
import VPAModel

/// The `vpaObservedContainers` annotation: containers upstream's admission controller did not see
/// are left out of the update priority and the quick-OOM check.
struct ObservedContainersTests {
    static func pod(annotation: String?, requests: ResourceList, recommendation: ContainerRecommendation,
                    startTime: Timestamp = Fixture.ago(24 * Fixture.hour), lastState: ContainerState? = nil) -> PodUnderVPA {
        var pod = Fixture.pod("POD1", requests: requests, startTime: startTime, recommendations: [recommendation], lastState: lastState)
        pod.vpaObservedContainers = annotation
        return pod
    }

    // upstream: pkg/updater/priority/priority_processor_test.go TestGetUpdatePriority_VpaObservedContainers
    @Test(arguments: [("with no VpaObservedContainers annotation", String?.none, 9.0),
                      ("with container listed in VpaObservedContainers annotation", "app", 9),
                      ("with container not listed in VpaObservedContainers annotation", "", 0),
                      ("with incorrect VpaObservedContainers annotation", "abcd;';", 9)])
    func updatePriorityVpaObservedContainers(name: String, annotation: String?, diff: Double) {
        let target = ResourceList(cpuMillicores: 10_000)
        let pod = Self.pod(annotation: annotation, requests: ResourceList(cpuMillicores: 1000),
                           recommendation: Fixture.recommendation(target: target, lower: target, upper: target))
        let decision = Fixture.decide(.recreate, pod)
        #expect(decision.priority?.resourceDiff == diff, "\(name)")
    }

    // upstream: pkg/updater/priority/update_priority_calculator_test.go TestQuickOOM_VpaOvservedContainers
    // (inside the range, 11 hours old, OOM-killed after 2 minutes: only an observed container's kill is quick)
    @Test(arguments: [("no VpaOvservedContainers annotation", String?.none, true),
                      ("container listed in VpaOvservedContainers annotation", "app", true),
                      ("container not listed in VpaOvservedContainers annotation", "", false)])
    func quickOOMVpaObservedContainers(name: String, annotation: String?, wanted: Bool) {
        let killed = ContainerState.terminated(reason: "OOMKilled", exitCode: 137, startedAt: Fixture.ago(5 * Fixture.minute),
                                               finishedAt: Fixture.ago(3 * Fixture.minute))
        let pod = Self.pod(annotation: annotation, requests: ResourceList(cpuMillicores: 4000),
                           recommendation: Fixture.recommendation(target: ResourceList(cpuMillicores: 5000),
                                                                  lower: ResourceList(cpuMillicores: 1000),
                                                                  upper: ResourceList(cpuMillicores: 6000)),
                           startTime: Fixture.ago(11 * Fixture.hour), lastState: killed)
        let decision = Fixture.decide(.recreate, pod)
        #expect((decision.action == .evict) == wanted, "\(name): \(decision.reason)")
    }
}
