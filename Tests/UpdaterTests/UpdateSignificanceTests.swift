import Testing
import Updater
import VPAModel

/// When an update is wanted (upstream pkg/updater/priority/update_priority_calculator.go `AddPod`,
/// priority_processor.go), plus vpa-store's in-place resize rule (DESIGN §3.4).
struct UpdateSignificanceTests {
    static func oomKilled(lived: Int64, finished: Timestamp = Fixture.ago(Fixture.minute)) -> ContainerState {
        .terminated(reason: "OOMKilled", exitCode: 137, startedAt: Fixture.ago(lived, from: finished), finishedAt: finished)
    }

    @Test func outsideTheRangeIsWantedAtAnyAge() {
        let decision = Fixture.decide(.recreate, Fixture.pod("a", startTime: Fixture.ago(Fixture.minute)))
        #expect(decision.action == .evict)
        #expect(decision.cause == .outsideRecommendedRange)
        #expect(decision.priority == UpdatePriority(outsideRecommendedRange: true, scaleUp: true, resourceDiff: 2,
                                                    quickOOM: false))
    }

    @Test func missingRequestIsOutsideTheRangeAndAScaleUp() {
        let pod = Fixture.pod("a", requests: Fixture.resources(cpu: nil, memoryMi: 1024), startTime: nil)
        let decision = Fixture.decide(.recreate, pod)
        #expect(decision.cause == .outsideRecommendedRange)
        #expect(decision.priority?.scaleUp == true)
    }

    @Test func quickOOMIsWantedInsideTheRange() {
        let pod = Fixture.pod("a", requests: Fixture.insideRange, startTime: Fixture.ago(Fixture.hour),
                              lastState: Self.oomKilled(lived: 5 * Fixture.minute))
        let decision = Fixture.decide(.recreate, pod)
        #expect(decision.action == .evict)
        #expect(decision.cause == .quickOOM)
        #expect(decision.reason.contains("container app OOM-killed after 5m0s < 10m0s"))
    }

    @Test func oomAfterTheThresholdIsNotQuick() {
        let pod = Fixture.pod("a", requests: Fixture.insideRange, startTime: Fixture.ago(Fixture.hour),
                              lastState: Self.oomKilled(lived: 11 * Fixture.minute))
        #expect(Fixture.decide(.recreate, pod).cause == .podTooYoung)
    }

    @Test func quickOOMWithNothingToChangeIsSkipped() {
        let pod = Fixture.pod("a", requests: Fixture.resources(cpu: 1000, memoryMi: 1024),
                              lastState: Self.oomKilled(lived: Fixture.minute))
        let decision = Fixture.decide(.recreate, pod)
        #expect(decision.action == .none)
        #expect(decision.cause == .quickOOMWithoutChange)
    }

    @Test func insideTheRangeWaitsTwelveHoursFromStart() {
        let young = Fixture.pod("a", requests: Fixture.insideRange, startTime: Fixture.ago(12 * Fixture.hour - 1))
        let decision = Fixture.decide(.recreate, young)
        #expect(decision.action == .none)
        #expect(decision.cause == .podTooYoung)
        let old = Fixture.pod("a", requests: Fixture.insideRange, startTime: Fixture.ago(12 * Fixture.hour))
        #expect(Fixture.decide(.recreate, old).cause == .resourceDiff)
    }

    @Test func insideTheRangeWithoutStartTimeIsNotUpdated() {
        let decision = Fixture.decide(.recreate, Fixture.pod("a", requests: Fixture.insideRange, startTime: nil))
        #expect(decision.cause == .noStartTime)
    }

    @Test func insideTheRangeWaitsTwelveHoursFromTheLastInPlaceResize() {
        let recent = Fixture.pod("a", requests: Fixture.insideRange, lastSuccessfulInPlaceResize: Fixture.ago(Fixture.hour))
        let decision = Fixture.decide(.inPlaceOrRecreate, recent)
        #expect(decision.action == .none)
        #expect(decision.cause == .recentlyResizedInPlace)
        let settled = Fixture.pod("a", requests: Fixture.insideRange,
                                  lastSuccessfulInPlaceResize: Fixture.ago(12 * Fixture.hour))
        #expect(Fixture.decide(.inPlaceOrRecreate, settled).action.resizeTargets != nil)
    }

    @Test func recentInPlaceResizeDoesNotHoldBackOutsideTheRangeOrQuickOOM() {
        let outside = Fixture.pod("a", lastSuccessfulInPlaceResize: Fixture.ago(Fixture.minute))
        #expect(Fixture.decide(.inPlaceOrRecreate, outside).cause == .outsideRecommendedRange)
        let oom = Fixture.pod("a", requests: Fixture.insideRange, lastState: Self.oomKilled(lived: Fixture.minute),
                              lastSuccessfulInPlaceResize: Fixture.ago(Fixture.minute))
        #expect(Fixture.decide(.inPlaceOrRecreate, oom).cause == .quickOOM)
    }

    static let cpuOnly = Fixture.recommendation(target: ResourceList(cpuMillicores: 1100),
                                                lower: ResourceList(cpuMillicores: 900),
                                                upper: ResourceList(cpuMillicores: 1200))

    @Test func resourceDiffReachingTheThresholdIsWanted() {
        // |1000 − 1100| / 1000 = 0.1, not below --pod-update-threshold.
        let pod = Fixture.pod("a", requests: Fixture.resources(cpu: 1000, memoryMi: 512), recommendations: [Self.cpuOnly])
        let decision = Fixture.decide(.recreate, pod)
        #expect(decision.cause == .resourceDiff)
        #expect(decision.priority?.resourceDiff == 0.1)
    }

    @Test func resourceDiffBelowTheThresholdIsNotWanted() {
        let pod = Fixture.pod("a", requests: Fixture.resources(cpu: 1050, memoryMi: 512), recommendations: [Self.cpuOnly])
        let decision = Fixture.decide(.recreate, pod)
        #expect(decision.action == .none)
        #expect(decision.cause == .belowUpdateThreshold)
    }

    @Test func cpuAndMemoryFractionsAreAdded() {
        // 6% more CPU and 6% more memory: each below 0.1, together 0.12.
        let recommendation = Fixture.recommendation(target: Fixture.resources(cpu: 1060, memoryMi: 1060),
                                                    lower: Fixture.resources(cpu: 900, memoryMi: 900),
                                                    upper: Fixture.resources(cpu: 1200, memoryMi: 1200))
        let pod = Fixture.pod("a", requests: Fixture.resources(cpu: 1000, memoryMi: 1000),
                              recommendations: [recommendation])
        let decision = Fixture.decide(.recreate, pod)
        #expect(decision.cause == .resourceDiff)
        #expect(abs((decision.priority?.resourceDiff ?? 0) - 0.12) < 1e-9)
    }

    @Test func thresholdIsASetting() {
        let pod = Fixture.pod("a", requests: Fixture.resources(cpu: 1050, memoryMi: 512), recommendations: [Self.cpuOnly])
        let decision = Fixture.decide(.recreate, pod, configuration: UpdaterConfiguration(podUpdateThreshold: 0.01))
        #expect(decision.action == .evict)
    }
}
