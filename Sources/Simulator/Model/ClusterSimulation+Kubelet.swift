import VPAModel

extension ClusterSimulation {
    /// One kubelet sync at `time`: admits or defers requested resizes (longest-deferred first), then
    /// moves admitted resizes through actuation.
    ///
    /// Admission follows KEP-1287: the new requests must fit next to the other pods' allocated
    /// requests on the node, else `Deferred`; requests beyond the node's whole allocatable are
    /// `Infeasible` (not retried until the desired resources change). An admitted resize sets the
    /// allocated resources at once (so a shrink frees room for deferred pods immediately) and
    /// starts actuating; the runtime then takes a random 10–60 s (by default), or gets stuck, or fails.
    ///
    /// A memory-limit decrease below the container's current usage (KEP "Memory Limit Decreases",
    /// 1.34+): the kubelet has admitted it but skips actuation, so the pod shows
    /// `PodResizeInProgress` with reason `Error` and the message "attempting to set pod memory
    /// limit (new) below current usage (usage)" and stays in progress; every later sync tries
    /// again, and it goes ahead once usage is under the new limit (after an OOM kill, say).
    mutating func kubeletSync(at time: Timestamp) {
        let waiting = pods.indices
            .filter { pods[$0].isRunning && pods[$0].resizeRequested }
            .sorted { (pods[$0].pending?.since ?? time, pods[$0].serial) < (pods[$1].pending?.since ?? time, pods[$1].serial) }
        for index in waiting { admitResize(of: index, at: time) }
        for index in pods.indices where pods[index].isRunning {
            if !pods[index].resizeRequested { pods[index].pending = nil }
            actuate(index, at: time)
        }
    }

    private mutating func admitResize(of index: Int, at time: Timestamp) {
        let pod = pods[index]
        guard let nodeName = pod.nodeName, let node = node(named: nodeName) else { return }
        if let pending = pod.pending, pending.reason == .infeasible, pending.generation == pod.generation { return }
        let wanted = pod.requests(\.desired)
        let others = pods.filter { $0.nodeName == nodeName && $0.uid != pod.uid }.reduce((Int64(0), Int64(0))) { sum, other in
            let allocated = other.requests(\.allocated)
            return (sum.0 + allocated.cpu, sum.1 + allocated.memory)
        }
        if let resource = Self.shortage(wanted: (wanted.cpu, wanted.memory), available: (node.cpuMillicores, node.memoryBytes),
                                        memoryFirst: true) {
            // The kubelet's wording; it names memory when both are short.
            let message = "Node didn't have enough capacity: \(resource.name), requested: \(resource.requested), capacity: \(resource.available)"
            setPending(index, reason: .infeasible, message: message, at: time)
            return
        }
        if let resource = Self.shortage(wanted: (wanted.cpu, wanted.memory),
                                        available: (node.cpuMillicores - others.0, node.memoryBytes - others.1)) {
            let used = resource.name == "cpu" ? others.0 : others.1
            let capacity = resource.name == "cpu" ? node.cpuMillicores : node.memoryBytes
            let message = "Node didn't have enough resource: \(resource.name), requested: \(resource.requested), used: \(used), capacity: \(capacity)"
            setPending(index, reason: .deferred, message: message, at: time)
            return
        }
        // Admitted: allocate, and start actuating the new resources (replacing any earlier attempt).
        pods[index].pending = nil
        for container in pods[index].containers.indices {
            pods[index].containers[container].allocated = pods[index].containers[container].desired
        }
        let fault = pods[index].injectedFault ?? drawFault()
        pods[index].injectedFault = nil
        let progress = startingProgress(of: index, fault: fault, blockedBefore: false, at: time)
        pods[index].actuation = Actuation(progress: progress, since: pods[index].actuation?.since ?? time,
                                          generation: pods[index].generation, fault: fault)
    }

    private mutating func setPending(_ index: Int, reason: PendingResize.Reason, message: String, at time: Timestamp) {
        let generation = pods[index].generation
        if let pending = pods[index].pending, pending.reason == reason {
            pods[index].pending?.message = message
            pods[index].pending?.generation = generation
            if pending.generation == generation { return }
        } else {
            pods[index].pending = PendingResize(reason: reason, since: time, message: message, generation: generation)
        }
        switch reason {
        case .deferred: counters.resizesDeferred += 1
        case .infeasible: counters.resizesInfeasible += 1
        }
    }

    /// The runtime's first answer to an admitted resize (or its retry of a blocked one): a memory
    /// limit below current usage blocks it (reason `Error`), else it runs, gets stuck or fails as drawn.
    private mutating func startingProgress(of index: Int, fault: ResizeFault?, blockedBefore: Bool,
                                           at time: Timestamp) -> Actuation.Progress {
        if let message = memoryLimitBlock(index, at: time) {
            if !blockedBefore {
                counters.resizesErrored += 1
                counters.memoryLimitDecreasesBlocked += 1
            }
            return .memoryLimitBlocked(message: message)
        }
        switch fault {
        case .stuck?:
            counters.resizesStuck += 1
            return .stuck
        case .error?:
            counters.resizesErrored += 1
            return .failed(message: "failed to update container resources: the container runtime rejected the update")
        case nil:
            return .running(completesAt: time.advanced(byMilliseconds: drawResizeDuration()))
        }
    }

    private mutating func actuate(_ index: Int, at time: Timestamp) {
        guard let actuation = pods[index].actuation else { return }
        switch actuation.progress {
        case .running(let completesAt) where completesAt <= time:
            for container in pods[index].containers.indices {
                pods[index].containers[container].enacted = pods[index].containers[container].allocated
            }
            pods[index].actuation = nil
            counters.resizesCompleted += 1
        case .memoryLimitBlocked:
            let progress = startingProgress(of: index, fault: actuation.fault, blockedBefore: true, at: time)
            pods[index].actuation?.progress = progress
        case .running, .stuck, .failed:
            break
        }
    }

    /// The kubelet's message when a container's new memory limit is below its usage now (KEP
    /// "Memory Limit Decreases"), else nil.
    private func memoryLimitBlock(_ index: Int, at time: Timestamp) -> String? {
        let pod = pods[index]
        for container in pod.containers {
            guard let newLimit = container.allocated.limits.memoryBytes,
                  newLimit < (container.enacted.limits.memoryBytes ?? Int64.max) else { continue }
            let usage = self.usage(of: pod, container: container, at: time).memoryBytes
            if usage > newLimit {
                return "attempting to set pod memory limit (\(newLimit)) below current usage (\(usage))"
            }
        }
        return nil
    }

    private mutating func drawFault() -> ResizeFault? {
        let draw = random.unit()
        if draw < scenario.kubelet.stuckFraction { return .stuck }
        if draw < scenario.kubelet.stuckFraction + scenario.kubelet.errorFraction { return .error }
        return nil
    }

    private mutating func drawResizeDuration() -> Int64 {
        let low = scenario.kubelet.minimumResizeMilliseconds, high = scenario.kubelet.maximumResizeMilliseconds
        let drawn = high > low ? low + Int64(random.next() % UInt64(high - low + 1)) : low
        // Whole seconds, as the kubelet's condition times are.
        return max(low, min(high, (drawn / 1000) * 1000))
    }

    /// The first resource (CPU then memory, or the reverse) where `wanted` (millicores, bytes)
    /// exceeds `available`.
    private static func shortage(wanted: (Int64, Int64), available: (Int64, Int64), memoryFirst: Bool = false)
        -> (name: String, requested: Int64, available: Int64)? {
        let cpu = wanted.0 > available.0 ? ("cpu", wanted.0, available.0) : nil
        let memory = wanted.1 > available.1 ? ("memory", wanted.1, available.1) : nil
        return memoryFirst ? memory ?? cpu : cpu ?? memory
    }

    /// The earliest time after `time` at which an actuation finishes.
    func nextActuationCompletion(after time: Timestamp) -> Timestamp? {
        pods.compactMap { pod -> Timestamp? in
            guard case .running(let completesAt)? = pod.actuation?.progress, completesAt > time else { return nil }
            return completesAt
        }.min()
    }
}
