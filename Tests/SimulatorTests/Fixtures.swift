import Simulator
import VPAModel

let mebibyte: Int64 = 1 << 20
let gibibyte: Int64 = 1 << 30
let minuteMilliseconds: Int64 = 60_000

/// 2026-11-02T00:00:00Z.
let scenarioStart = Timestamp(unixMilliseconds: 1_793_577_600_000)

/// Minute `n` of a test scenario.
func minute(_ n: Int64) -> Timestamp {
    Timestamp(unixMilliseconds: scenarioStart.unixMilliseconds + n * minuteMilliseconds)
}

func resources(cpu: Int64, memoryMi: Int64, cpuLimit: Int64? = nil, memoryLimitMi: Int64? = nil) -> ResourceRequirements {
    ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: memoryMi * mebibyte),
                         limits: ResourceList(cpuMillicores: cpuLimit, memoryBytes: memoryLimitMi.map { $0 * mebibyte }))
}

/// One node and one workload `app` of `replicas` pods with one container `main`; resizes take
/// exactly `resizeSeconds` and never go wrong unless the kubelet settings say so.
func smallScenario(nodeCPU: Int64 = 2000, nodeMemoryMi: Int64 = 4096, replicas: Int = 2,
                   resources podResources: ResourceRequirements = resources(cpu: 500, memoryMi: 512, cpuLimit: 1000,
                                                                            memoryLimitMi: 1024),
                   usage: UsagePattern = .steady(cpuMillicores: 300, memoryBytes: 300 * mebibyte, noise: 0),
                   resizeSeconds: Int64 = 30, stuckFraction: Double = 0, errorFraction: Double = 0,
                   seed: UInt64 = 1, events: [ScenarioEvent] = []) -> Scenario {
    Scenario(name: "test", seed: seed, start: scenarioStart,
             nodes: [NodeSpec(name: "node-1", cpuMillicores: nodeCPU, memoryBytes: nodeMemoryMi * mebibyte)],
             workloads: [WorkloadSpec(name: "app", namespace: "test", replicas: replicas,
                                      containers: [ContainerSpec(name: "main", resources: podResources, usage: usage)],
                                      vpa: VPASpec(name: "app", mode: .inPlaceOrRecreate))],
             events: events,
             kubelet: KubeletSettings(minimumResizeMilliseconds: resizeSeconds * 1000,
                                      maximumResizeMilliseconds: resizeSeconds * 1000,
                                      stuckFraction: stuckFraction, errorFraction: errorFraction))
}

extension ClusterSimulation {
    /// The live pod in slot `replica` of `app`, which a test expects to exist.
    func app(_ replica: Int) -> PodObservation? {
        pod(PodSelector(workload: "app", replica: replica))
    }
}

extension PodObservation {
    var uidOrEmpty: String { uid ?? "" }
    var main: ContainerObservation? { container(named: "main") }
    func condition(_ type: String) -> PodCondition? { resizeConditions.first { $0.type == type } }
}

/// A resize of container `main` to `resources`.
func mainTarget(_ resources: ResourceRequirements) -> [ResizeRequest.Target] {
    [ResizeRequest.Target(container: "main", resources: resources)]
}

extension StepOutput {
    /// The pod observations of the step, with the time each was made.
    var podObservations: [(at: Timestamp, pod: PodObservation)] {
        batches.flatMap { batch in
            batch.observations.compactMap { observation -> (at: Timestamp, pod: PodObservation)? in
                if case .pod(let pod) = observation { return (batch.at, pod) }
                return nil
            }
        }
    }

    var usage: [UsageObservation] {
        observations.compactMap { if case .usage(let usage) = $0 { return usage } else { return nil } }
    }

    var deletedPods: [PodObservation] {
        observations.compactMap { if case .podDeleted(let pod) = $0 { return pod } else { return nil } }
    }
}
