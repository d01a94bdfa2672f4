import Testing
import VPAModel

/// DESIGN §3.1, upstream pkg/utils/resources/resourcehelpers_test.go.
struct ActualResourcesTests {
    static let spec = ResourceRequirements(requests: ResourceList(cpuMillicores: 1000, memoryBytes: 10 << 20),
                                           limits: ResourceList(cpuMillicores: 2000, memoryBytes: 20 << 20))
    static let status = ResourceRequirements(requests: ResourceList(cpuMillicores: 3000, memoryBytes: 30 << 20),
                                             limits: ResourceList(cpuMillicores: 4000, memoryBytes: 40 << 20))

    @Test func statusWinsWhenReported() {
        let container = ContainerObservation(name: "app", desired: Self.spec,
                                             status: ContainerStatusObservation(resources: Self.status))
        let actual = container.actualResources(readsStatus: true)
        #expect(actual.resources == Self.status)
        #expect(actual.source == .status)
    }

    @Test func specWhenNoStatusEntry() {
        let container = ContainerObservation(name: "app", desired: Self.spec)
        #expect(container.actualResources(readsStatus: true) == ActualResources(resources: Self.spec, source: .specFallback))
    }

    @Test func specWhenStatusHasNoResources() {
        let container = ContainerObservation(name: "app", desired: Self.spec, status: ContainerStatusObservation())
        #expect(container.actualResources(readsStatus: true) == ActualResources(resources: Self.spec, source: .specFallback))
    }

    @Test func statusOnlyGivesStatus() {
        let container = ContainerObservation(name: "app", status: ContainerStatusObservation(resources: Self.status))
        #expect(container.actualResources(readsStatus: true).resources == Self.status)
    }

    @Test func statusBlockIsNeverMergedWithSpec() {
        // Status reports requests only: the limits stay unset, not filled in from the spec.
        let enacted = ResourceRequirements(requests: ResourceList(cpuMillicores: 3000, memoryBytes: 30 << 20))
        let container = ContainerObservation(name: "app", desired: Self.spec,
                                             status: ContainerStatusObservation(resources: enacted))
        #expect(container.actualResources(readsStatus: true).resources.limits.isEmpty)
    }

    @Test func disabledAlwaysReadsSpec() {
        let container = ContainerObservation(name: "app", desired: Self.spec,
                                             status: ContainerStatusObservation(resources: Self.status))
        #expect(container.actualResources(readsStatus: false) == ActualResources(resources: Self.spec, source: .spec))
    }

    @Test(arguments: [(InPlaceMode.auto, false, false), (.auto, true, true), (.enabled, false, true),
                      (.disabled, true, false)])
    func modeDecidesStatusReads(mode: InPlaceMode, detected: Bool, expected: Bool) {
        #expect(mode.readsStatus(detected: detected) == expected)
    }
}
