import VPAModel

extension ClusterSimulation {
    /// Binds every unscheduled pod that fits somewhere, oldest first, to the allowed node with the
    /// most free room (the default scheduler's least-allocated scoring; ties by node order). A pod
    /// that fits nowhere stays `Pending` and is tried again at the next sync.
    mutating func schedulePendingPods(at time: Timestamp) {
        for index in pods.indices where !pods[index].isRunning {
            let pod = pods[index]
            let allowed = workload(named: pod.workload)?.nodeNames ?? []
            let requests = pod.schedulerRequests
            var best: (name: String, score: Double)?
            for node in nodes where allowed.isEmpty || allowed.contains(node.name) {
                let used = pods.filter { $0.nodeName == node.name }.reduce((Int64(0), Int64(0))) { sum, other in
                    let counted = other.schedulerRequests
                    return (sum.0 + counted.cpu, sum.1 + counted.memory)
                }
                let freeCPU = node.cpuMillicores - used.0 - requests.cpu
                let freeMemory = node.memoryBytes - used.1 - requests.memory
                guard freeCPU >= 0, freeMemory >= 0 else { continue }
                let score = Double(freeCPU) / Double(max(node.cpuMillicores, 1))
                    + Double(freeMemory) / Double(max(node.memoryBytes, 1))
                if best == nil || score > (best?.score ?? 0) { best = (node.name, score) }
            }
            guard let best else { continue }
            pods[index].nodeName = best.name
            pods[index].startTime = time
            for container in pods[index].containers.indices {
                pods[index].containers[container].startedAt = time
                pods[index].containers[container].allocated = pods[index].containers[container].desired
                pods[index].containers[container].enacted = pods[index].containers[container].desired
            }
        }
    }
}
