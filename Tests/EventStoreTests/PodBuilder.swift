import VPAModel

/// Builds the pods the store tests ingest.
struct PodBuilder {
    var uid = "6f1c1f4e-0000-4000-8000-000000000001"
    var namespace = "shop"
    var name = "web-0"
    var desired = ResourceRequirements(requests: ResourceList(cpuMillicores: 250, memoryBytes: 256 << 20),
                                       limits: ResourceList(cpuMillicores: 500, memoryBytes: 512 << 20))
    var status: ResourceRequirements? = ResourceRequirements(
        requests: ResourceList(cpuMillicores: 250, memoryBytes: 256 << 20),
        limits: ResourceList(cpuMillicores: 500, memoryBytes: 512 << 20))
    var conditions: [PodCondition] = []
    var legacy: String?
    var restartCount: Int32 = 0
    var state: ContainerState? = .running(startedAt: Timestamp(unixMilliseconds: 0))
    var lastState: ContainerState?

    var pod: PodObservation {
        PodObservation(uid: uid, namespace: namespace, name: name, phase: "Running", resizeConditions: conditions,
                       legacyResizeStatus: legacy,
                       containers: [ContainerObservation(
                           name: "app", desired: desired,
                           status: ContainerStatusObservation(resources: status, restartCount: restartCount, state: state,
                                                              lastState: lastState))])
    }

    func with(_ change: (inout PodBuilder) -> Void) -> PodBuilder {
        var copy = self
        change(&copy)
        return copy
    }

    static let deferred = [PodCondition(type: PodCondition.resizePending, reason: "Deferred", message: "no room")]
    static let inProgress = [PodCondition(type: PodCondition.resizeInProgress)]

    static func resources(cpu: Int64, memoryMi: Int64) -> ResourceRequirements {
        ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: memoryMi << 20),
                             limits: ResourceList(cpuMillicores: cpu * 2, memoryBytes: memoryMi << 21))
    }
}

/// Times used by the tests: minute n after 2026-11-02T09:00:00Z.
func minute(_ n: Int64) -> Timestamp {
    Timestamp(unixMilliseconds: 1_793_610_000_000 + n * 60_000)
}
