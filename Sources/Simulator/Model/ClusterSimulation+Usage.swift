import VPAModel

extension ClusterSimulation {
    /// A container's usage at `time`: its workload's pattern with this pod's noise, CPU throttled to
    /// the enacted CPU limit. Memory is not capped: above the enacted limit the container is OOM-killed
    /// at the next usage tick.
    func usage(of pod: SimulatedPod, container: SimulatedContainer, at time: Timestamp)
        -> (cpuMillicores: Int64, memoryBytes: Int64) {
        guard let workload = workload(named: pod.workload), workload.containers.indices.contains(container.templateIndex)
        else { return (0, 0) }
        let noise = SeededRandom.noise(seed: pod.noiseSeed, stream: UInt64(container.templateIndex),
                                       tick: time.unixMilliseconds / scenario.kubelet.usageIntervalMilliseconds)
        var usage = workload.containers[container.templateIndex].usage.usage(at: time, startedAt: container.startedAt,
                                                                              noise: noise)
        if let limit = container.enacted.limits.cpuMillicores { usage.cpuMillicores = min(usage.cpuMillicores, limit) }
        return usage
    }

    /// Kills every running container whose memory is above its enacted limit at `time`: the
    /// container restarts at once with `restartCount` + 1 and `lastState` terminated `OOMKilled`
    /// (exit code 137) from its previous start to `time`; its usage starts again from the bottom.
    mutating func killContainersOverMemoryLimit(at time: Timestamp) {
        for index in pods.indices where pods[index].isRunning {
            for position in pods[index].containers.indices {
                let container = pods[index].containers[position]
                guard let limit = container.enacted.limits.memoryBytes,
                      usage(of: pods[index], container: container, at: time).memoryBytes > limit else { continue }
                pods[index].containers[position].lastState = .terminated(reason: OOMDetector.oomKilledReason, exitCode: 137,
                                                                         startedAt: container.startedAt, finishedAt: time)
                pods[index].containers[position].restartCount += 1
                pods[index].containers[position].startedAt = time
                counters.oomKills += 1
            }
        }
    }

    /// One usage sample per running pod, over the usage interval ending at `time`.
    mutating func usageSamples(at time: Timestamp) -> [Observation] {
        let window = scenario.kubelet.usageIntervalMilliseconds
        let samples = pods.filter(\.isRunning).map { pod in
            let containers = pod.containers.map { container in
                let usage = self.usage(of: pod, container: container, at: time)
                return UsageSample.Container(name: container.name, cpuMillicores: usage.cpuMillicores,
                                             memoryBytes: usage.memoryBytes)
            }
            return Observation.usage(UsageObservation(namespace: pod.namespace, pod: pod.name,
                                                      sample: UsageSample(at: time, windowMilliseconds: window,
                                                                          containers: containers)))
        }
        counters.usageSamples += samples.count
        return samples
    }
}
