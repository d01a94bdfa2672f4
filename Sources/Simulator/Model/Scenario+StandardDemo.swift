import VPAModel

extension Scenario {
    /// The demo cluster: 3 nodes, 4 workloads and a script that shows every resize outcome in the
    /// first hour, sized so two simulated days run in seconds.
    ///
    /// Nodes: `node-a` and `node-b` (4 CPU, 8 GiB) for the `shop` services and the worker,
    /// `node-c` (2 CPU, 4 GiB) for the batch.
    /// - `shop/web`: 3 replicas, steady ~200m/300Mi against requests 500m/512Mi; VPA `InPlaceOrRecreate`.
    /// - `shop/api`: 3 replicas, a daily cycle 100–600m, 220–360Mi peaking at 14:00 UTC; VPA `InPlaceOrRecreate`.
    /// - `jobs/worker`: 2 replicas whose memory grows 8 MiB a minute from 160 MiB to a 720 MiB
    ///   plateau against a 512 MiB limit, so each is OOM-killed about every 45 minutes until the VPA
    ///   raises its memory; VPA `Recreate`.
    /// - `jobs/batch`: 2 replicas on `node-c`, ~700m/800Mi against 500m/1Gi; VPA `InPlace` (min replicas 1).
    ///
    /// Script (minutes after the start):
    /// - 5: a person raises `web` replica 0's memory request to 640Mi: in progress, then completed.
    /// - 10: a person raises `batch` replica 0's CPU request to 1600m: `node-c` has only 1500m free,
    ///   so the resize is `Deferred`; at 25 the batch is scaled to 1 replica, which frees the room,
    ///   and the resize goes in progress and completes.
    /// - 20: a person asks 12Gi of memory for `api` replica 2: more than any node has, `Infeasible`.
    /// - 30: a person raises `web` replica 1's CPU to 600m and the runtime hangs: stuck in progress.
    /// - 40: a person lowers `worker` replica 0's memory limit to 300Mi while it uses ~480Mi: the
    ///   kubelet refuses (`PodResizeInProgress`/`Error`) until the OOM kill near minute 45 resets usage.
    /// - 180: `node-c` shrinks to 1800m (reserved CPU raised).
    /// Besides, 2% of resize attempts get stuck and 2% fail (seeded).
    public static func standardDemo(start: Timestamp = Timestamp(unixMilliseconds: 1_793_577_600_000), seed: UInt64 = 7)
        -> Scenario {
        let mebibyte: Int64 = 1 << 20, gibibyte: Int64 = 1 << 30
        func resources(cpu: Int64, memory: Int64, cpuLimit: Int64, memoryLimit: Int64) -> ResourceRequirements {
            ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: memory),
                                 limits: ResourceList(cpuMillicores: cpuLimit, memoryBytes: memoryLimit))
        }
        let shopNodes = ["node-a", "node-b"]
        let workloads = [
            WorkloadSpec(name: "web", namespace: "shop", replicas: 3,
                         containers: [ContainerSpec(name: "app",
                                                    resources: resources(cpu: 500, memory: 512 * mebibyte,
                                                                         cpuLimit: 1000, memoryLimit: gibibyte),
                                                    usage: .steady(cpuMillicores: 200, memoryBytes: 300 * mebibyte))],
                         vpa: VPASpec(name: "web", mode: .inPlaceOrRecreate), nodeNames: shopNodes),
            WorkloadSpec(name: "api", namespace: "shop", replicas: 3,
                         containers: [ContainerSpec(name: "app",
                                                    resources: resources(cpu: 300, memory: 384 * mebibyte,
                                                                         cpuLimit: 600, memoryLimit: 768 * mebibyte),
                                                    usage: .dailyCycle(cpuLow: 100, cpuHigh: 600, memoryLow: 220 * mebibyte,
                                                                       memoryHigh: 360 * mebibyte, peakHour: 14))],
                         vpa: VPASpec(name: "api", mode: .inPlaceOrRecreate), nodeNames: shopNodes),
            WorkloadSpec(name: "worker", namespace: "jobs", replicas: 2,
                         containers: [ContainerSpec(name: "worker",
                                                    resources: resources(cpu: 200, memory: 256 * mebibyte,
                                                                         cpuLimit: 400, memoryLimit: 512 * mebibyte),
                                                    usage: .memoryGrowth(cpuMillicores: 120, startMemoryBytes: 160 * mebibyte,
                                                                         bytesPerMinute: 8 * mebibyte,
                                                                         plateauBytes: 720 * mebibyte))],
                         vpa: VPASpec(name: "worker", mode: .recreate), nodeNames: shopNodes),
            WorkloadSpec(name: "batch", namespace: "jobs", replicas: 2,
                         containers: [ContainerSpec(name: "batch",
                                                    resources: resources(cpu: 500, memory: gibibyte,
                                                                         cpuLimit: 1000, memoryLimit: 2 * gibibyte),
                                                    usage: .steady(cpuMillicores: 700, memoryBytes: 800 * mebibyte))],
                         vpa: VPASpec(name: "batch", mode: .inPlace, minReplicas: 1), nodeNames: ["node-c"]),
        ]
        let events: [ScenarioEvent] = [
            .at(minute: 5, .resize(PodSelector(workload: "web", replica: 0), container: "app",
                                   resources: resources(cpu: 500, memory: 640 * mebibyte, cpuLimit: 1000, memoryLimit: gibibyte))),
            .at(minute: 10, .resize(PodSelector(workload: "batch", replica: 0), container: "batch",
                                    resources: resources(cpu: 1600, memory: gibibyte, cpuLimit: 2000, memoryLimit: 2 * gibibyte))),
            .at(minute: 20, .resize(PodSelector(workload: "api", replica: 2), container: "app",
                                    resources: resources(cpu: 300, memory: 12 * gibibyte, cpuLimit: 600, memoryLimit: 16 * gibibyte))),
            .at(minute: 25, .scale(workload: "batch", replicas: 1)),
            .at(minute: 30, .resize(PodSelector(workload: "web", replica: 1), container: "app",
                                    resources: resources(cpu: 600, memory: 512 * mebibyte, cpuLimit: 1000, memoryLimit: gibibyte),
                                    fault: .stuck)),
            .at(minute: 40, .resize(PodSelector(workload: "worker", replica: 0), container: "worker",
                                    resources: resources(cpu: 200, memory: 256 * mebibyte, cpuLimit: 400, memoryLimit: 300 * mebibyte))),
            .at(minute: 180, .setNodeCapacity(node: "node-c", cpuMillicores: 1800, memoryBytes: 4 * gibibyte)),
        ]
        return Scenario(name: "standard-demo", seed: seed, start: start,
                        nodes: [NodeSpec(name: "node-a", cpuMillicores: 4000, memoryBytes: 8 * gibibyte),
                                NodeSpec(name: "node-b", cpuMillicores: 4000, memoryBytes: 8 * gibibyte),
                                NodeSpec(name: "node-c", cpuMillicores: 2000, memoryBytes: 4 * gibibyte)],
                        workloads: workloads, events: events, kubelet: KubeletSettings())
    }
}
