import Testing
import Updater
import VPAModel

/// What a resize sends (upstream pkg/updater/inplace, `GetContainersResources`, `GetProportionalLimit`).
struct ResizeTargetsTests {
    static func target(requests: ResourceList, limits: ResourceList,
                       recommendation: ContainerRecommendation = Fixture.recommendation(),
                       policies: [ContainerResourcePolicy] = []) -> ResourceRequirements? {
        let pod = Fixture.pod("a", requests: requests, limits: limits, recommendations: [recommendation])
        return Fixture.decide(.inPlaceOrRecreate, pod, policies: policies).action.resizeTargets?.first?.resources
    }

    @Test func limitsKeepTheSpecProportion() {
        let resources = Self.target(requests: Fixture.resources(cpu: 500, memoryMi: 512),
                                    limits: Fixture.resources(cpu: 1000, memoryMi: 768))
        #expect(resources?.requests == Fixture.resources(cpu: 1000, memoryMi: 1024))
        #expect(resources?.limits == Fixture.resources(cpu: 2000, memoryMi: 1536))
    }

    @Test func limitEqualToRequestFollowsTheRequest() {
        let resources = Self.target(requests: Fixture.resources(cpu: 500, memoryMi: 512),
                                    limits: Fixture.resources(cpu: 500, memoryMi: 512))
        #expect(resources?.limits == Fixture.resources(cpu: 1000, memoryMi: 1024))
    }

    @Test func unsetLimitIsNotPatched() {
        let resources = Self.target(requests: Fixture.resources(cpu: 500, memoryMi: 512),
                                    limits: Fixture.resources(cpu: nil, memoryMi: 768))
        #expect(resources?.limits.cpuMillicores == nil)
        #expect(resources?.limits.memoryBytes == 1536 * Fixture.mebibyte)
    }

    @Test func limitWithoutRequestBecomesTheTarget() {
        let resources = Self.target(requests: Fixture.resources(cpu: nil, memoryMi: 512),
                                    limits: Fixture.resources(cpu: 3000, memoryMi: nil))
        #expect(resources?.limits.cpuMillicores == 1000)
    }

    @Test func proportionalLimitIsTruncated() {
        // 1001 × 1000 / 999 = 1002.002…
        let resources = Self.target(requests: Fixture.resources(cpu: 999, memoryMi: 512),
                                    limits: Fixture.resources(cpu: 1001, memoryMi: nil))
        #expect(resources?.limits.cpuMillicores == 1002)
    }

    @Test func targetIsCappedToThePolicy() {
        let policy = ContainerResourcePolicy(containerName: "app", maxAllowed: ResourceList(cpuMillicores: 700))
        let resources = Self.target(requests: Fixture.resources(cpu: 500, memoryMi: 512),
                                    limits: Fixture.resources(cpu: 1000, memoryMi: nil), policies: [policy])
        #expect(resources?.requests.cpuMillicores == 700)
        #expect(resources?.limits.cpuMillicores == 1400)
    }

    @Test func everyContainerWithARecommendationIsResized() {
        // Only `app` is outside its range, but `sidecar` is resized too (no partial updates);
        // `logger` has no recommendation and is left alone.
        let requests = ResourceRequirements(requests: Fixture.resources(cpu: 500, memoryMi: 512))
        let settled = ResourceRequirements(requests: Fixture.resources(cpu: 90, memoryMi: 90))
        let pod = PodUnderVPA(name: "a", containers: [
            ContainerUnderVPA(name: "app", actual: requests),
            ContainerUnderVPA(name: "logger", actual: requests),
            ContainerUnderVPA(name: "sidecar", type: ContainerType.`init`, actual: settled),
        ], recommendations: [
            Fixture.recommendation(container: "sidecar", target: Fixture.resources(cpu: 100, memoryMi: 100),
                                   lower: Fixture.resources(cpu: 50, memoryMi: 50),
                                   upper: Fixture.resources(cpu: 200, memoryMi: 200)),
            Fixture.recommendation(),
        ])
        let targets = Fixture.decide(.inPlace, pod).action.resizeTargets
        #expect(targets?.map(\.container) == ["app", "sidecar"])
        #expect(targets?.last?.type == ContainerType.`init`)
        #expect(targets?.last?.resources.requests == Fixture.resources(cpu: 100, memoryMi: 100))
    }
}
