import Testing
import VPAModel

/// The pods the tests ingest.
enum Pods {
    static func pod(_ name: String, namespace: String = "shop", uid: String? = nil, cpu: Int64 = 250, memoryMi: Int64 = 256,
                    status: Bool = true, conditions: [PodCondition] = [], owner: String = "web-5d8f") -> PodObservation {
        let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: memoryMi << 20),
                                             limits: ResourceList(cpuMillicores: cpu * 2, memoryBytes: memoryMi << 21))
        return PodObservation(
            uid: uid ?? "uid-\(namespace)-\(name)", namespace: namespace, name: name, phase: "Running",
            owners: [OwnerReference(kind: "ReplicaSet", name: owner, uid: "rs-\(owner)", controller: true)],
            resizeConditions: conditions,
            containers: [ContainerObservation(
                name: "app", desired: resources,
                status: ContainerStatusObservation(resources: status ? resources : nil, restartCount: 0,
                                                   state: .running(startedAt: Timestamp(unixMilliseconds: 0))))])
    }

    static let deferred = [PodCondition(type: PodCondition.resizePending, reason: "Deferred", message: "no room")]
}

/// Minute n after 2026-11-02T09:00:00Z.
func minute(_ n: Int64) -> Timestamp {
    Timestamp(unixMilliseconds: 1_793_610_000_000 + n * 60_000)
}
