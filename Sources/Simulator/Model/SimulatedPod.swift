import VPAModel

/// One container as the simulated kubelet keeps it: the three resource states of KEP-1287
/// ("Resource States") and the container's run.
struct SimulatedContainer: Hashable, Sendable {
    var name: String
    /// Index of the template container in the workload, for usage and noise.
    var templateIndex: Int
    /// `spec.containers[i].resources`.
    var desired: ResourceRequirements
    /// What the kubelet admitted (its checkpoint keeps requests and limits).
    var allocated: ResourceRequirements
    /// What the runtime enacted: `status.containerStatuses[i].resources`.
    var enacted: ResourceRequirements
    var restartCount: Int32 = 0
    /// When the current run started.
    var startedAt: Timestamp
    /// The previous run, when the container has restarted.
    var lastState: ContainerState?
}

/// A resize the kubelet has not admitted: `PodResizePending`.
struct PendingResize: Hashable, Sendable {
    enum Reason: String, Hashable, Sendable {
        case deferred = "Deferred"
        case infeasible = "Infeasible"
    }
    var reason: Reason
    /// When the condition was added (or its reason last changed).
    var since: Timestamp
    var message: String
    /// The pod generation the kubelet last tried.
    var generation: Int64
}

/// An admitted resize the runtime has not finished: `PodResizeInProgress`.
struct Actuation: Hashable, Sendable {
    enum Progress: Hashable, Sendable {
        /// Actuating; done at this time.
        case running(completesAt: Timestamp)
        /// Never finishes (a hung runtime call).
        case stuck
        /// Failed: reason `Error` with this message, until a new resize replaces it.
        case failed(message: String)
        /// A memory limit below current usage: reason `Error` with this message; retried at every
        /// sync and started once usage is under the new limit (KEP "Memory Limit Decreases").
        case memoryLimitBlocked(message: String)
    }
    var progress: Progress
    /// When the condition was added.
    var since: Timestamp
    /// The pod generation when the resize was first requested.
    var generation: Int64
    /// The fault this attempt will show once it starts actuating.
    var fault: ResizeFault?
}

/// A pod of the simulated cluster.
struct SimulatedPod: Hashable, Sendable {
    var uid: String
    var name: String
    var namespace: String
    var workload: String
    /// The replica slot the pod fills in its ReplicaSet.
    var slot: Int
    var replicaSetName: String
    var replicaSetUID: String
    /// Seeds this pod's usage noise.
    var noiseSeed: UInt64
    /// Creation order, for a stable iteration order.
    var serial: Int
    var createdAt: Timestamp
    /// `spec.nodeName`; nil while unschedulable.
    var nodeName: String?
    /// `status.startTime`: when the kubelet accepted the pod.
    var startTime: Timestamp?
    /// `metadata.generation`: 1, plus one per change of the desired resources.
    var generation: Int64 = 1
    var containers: [SimulatedContainer]
    var pending: PendingResize?
    var actuation: Actuation?
    /// A fault the next resize attempt shows (scripted).
    var injectedFault: ResizeFault?

    var isRunning: Bool { nodeName != nil }
    var podKey: String { "\(namespace)/\(name)" }

    /// The pod's requests summed over containers under `resources`.
    func requests(_ resources: (SimulatedContainer) -> ResourceRequirements) -> (cpu: Int64, memory: Int64) {
        containers.reduce((0, 0)) { sum, container in
            let requests = resources(container).requests
            return (sum.0 + (requests.cpuMillicores ?? 0), sum.1 + (requests.memoryBytes ?? 0))
        }
    }

    /// What the scheduler counts for the pod (KEP "Allocated Resources": the larger of desired and
    /// allocated, per container and resource).
    var schedulerRequests: (cpu: Int64, memory: Int64) {
        containers.reduce((0, 0)) { sum, container in
            let cpu = max(container.desired.requests.cpuMillicores ?? 0, container.allocated.requests.cpuMillicores ?? 0)
            let memory = max(container.desired.requests.memoryBytes ?? 0, container.allocated.requests.memoryBytes ?? 0)
            return (sum.0 + cpu, sum.1 + memory)
        }
    }

    /// True when the desired resources differ from what the kubelet admitted.
    var resizeRequested: Bool { containers.contains { $0.desired != $0.allocated } }
}
