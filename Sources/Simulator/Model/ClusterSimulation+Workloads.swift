import VPAModel

extension ClusterSimulation {
    /// The updater asked for a resize: sets the named containers' desired resources (the values the
    /// request names; others keep theirs). The kubelet answers at the start of the next step.
    ///
    /// - Returns: false when the pod is gone or not running, a container is unknown, the result
    ///   would have a request above its limit (the API server rejects that), or nothing changes.
    @discardableResult
    public mutating func requestResize(podUID: String, targets: [ResizeRequest.Target]) -> Bool {
        guard changeDesired(podUID: podUID, targets: targets) else { return false }
        counters.vpaResizes += 1
        return true
    }

    /// A person resized a container in place (`kubectl patch pod --subresource resize`).
    ///
    /// - Returns: false for the same reasons as `requestResize`.
    @discardableResult
    public mutating func resizeManually(podUID: String, container: String, resources: ResourceRequirements,
                                        fault: ResizeFault? = nil) -> Bool {
        guard changeDesired(podUID: podUID, targets: [ResizeRequest.Target(container: container, resources: resources)])
        else { return false }
        counters.manualResizes += 1
        if let fault, let index = index(ofPod: podUID) { pods[index].injectedFault = fault }
        return true
    }

    /// The updater evicted the pod: it is deleted, and its ReplicaSet creates a replacement (with
    /// the admission hook's resources) at the start of the next step.
    ///
    /// - Returns: false when the pod is already gone.
    @discardableResult
    public mutating func evict(podUID: String) -> Bool {
        guard remove(podUID: podUID) else { return false }
        counters.podsEvicted += 1
        return true
    }

    private mutating func changeDesired(podUID: String, targets: [ResizeRequest.Target]) -> Bool {
        guard let index = index(ofPod: podUID), pods[index].isRunning else { return false }
        var containers = pods[index].containers
        for target in targets {
            guard target.type == .container,
                  let position = containers.firstIndex(where: { $0.name == target.container }) else { return false }
            containers[position].desired.merge(target.resources)
            let resources = containers[position].desired
            for (request, limit) in [(resources.requests.cpuMillicores, resources.limits.cpuMillicores),
                                     (resources.requests.memoryBytes, resources.limits.memoryBytes)] {
                if let request, let limit, request > limit { return false }
            }
        }
        guard containers != pods[index].containers else { return false }
        pods[index].containers = containers
        pods[index].generation += 1
        return true
    }

    /// Deletes a live pod, remembering it for the next report.
    mutating func remove(podUID: String) -> Bool {
        guard let index = index(ofPod: podUID) else { return false }
        let pod = pods.remove(at: index)
        if let last = reported.removeValue(forKey: pod.uid) { deleted.append(last) }
        return true
    }

    /// Makes every ReplicaSet have its replicas: creates pods for empty slots, deletes pods above
    /// the count (highest slot first).
    mutating func reconcileReplicaSets(at time: Timestamp) {
        for workload in workloads {
            let live = Set(pods.filter { $0.workload == workload.name }.map(\.slot))
            for slot in live.sorted(by: >) where slot >= workload.replicas {
                if let pod = pods.first(where: { $0.workload == workload.name && $0.slot == slot }),
                   remove(podUID: pod.uid) {
                    counters.podsDeleted += 1
                }
            }
            for slot in 0..<workload.replicas where !live.contains(slot) {
                createPod(of: workload, slot: slot, at: time)
            }
        }
    }

    private mutating func createPod(of workload: WorkloadSpec, slot: Int, at time: Timestamp) {
        guard let replicaSet = replicaSets[workload.name] else { return }
        let containers = workload.containers.enumerated().map { index, spec in
            let resources = admission?(workload, spec) ?? spec.resources
            return SimulatedContainer(name: spec.name, templateIndex: index, desired: resources, allocated: resources,
                                      enacted: resources, startedAt: time)
        }
        let pod = SimulatedPod(uid: random.uuid(), name: "\(replicaSet.name)-\(random.kubernetesName(length: 5))",
                               namespace: workload.namespace, workload: workload.name, slot: slot,
                               replicaSetName: replicaSet.name, replicaSetUID: replicaSet.uid, noiseSeed: random.next(),
                               serial: nextSerial, createdAt: time, containers: containers)
        nextSerial += 1
        pods.append(pod)
        counters.podsCreated += 1
    }

    /// Carries out the scripted events due at `time`.
    mutating func applyScriptedEvents(at time: Timestamp) {
        while nextEvent < events.count, scenario.start.advanced(byMilliseconds: events[nextEvent].afterMilliseconds) <= time {
            let event = events[nextEvent]
            nextEvent += 1
            switch event.action {
            case .resize(let selector, let container, let resources, let fault):
                if let pod = pods.first(where: { $0.workload == selector.workload && $0.slot == selector.replica }) {
                    resizeManually(podUID: pod.uid, container: container, resources: resources, fault: fault)
                }
            case .injectResizeFault(let selector, let fault):
                if let index = pods.firstIndex(where: { $0.workload == selector.workload && $0.slot == selector.replica }) {
                    pods[index].injectedFault = fault
                }
            case .deletePod(let selector):
                if let pod = pods.first(where: { $0.workload == selector.workload && $0.slot == selector.replica }),
                   remove(podUID: pod.uid) {
                    counters.podsDeleted += 1
                }
            case .scale(let name, let replicas):
                if let index = workloads.firstIndex(where: { $0.name == name }) { workloads[index].replicas = replicas }
            case .setNodeCapacity(let name, let cpu, let memory):
                if let index = nodes.firstIndex(where: { $0.name == name }) {
                    nodes[index].cpuMillicores = cpu
                    nodes[index].memoryBytes = memory
                }
            }
        }
    }
}

extension ResourceRequirements {
    /// Sets every value `other` names.
    mutating func merge(_ other: ResourceRequirements) {
        requests.merge(other.requests)
        limits.merge(other.limits)
    }
}

extension ResourceList {
    /// Sets every value `other` names.
    mutating func merge(_ other: ResourceList) {
        if let cpu = other.cpuMillicores { cpuMillicores = cpu }
        if let memory = other.memoryBytes { memoryBytes = memory }
    }
}
