/// Whether a container is an app container (`spec.containers`) or an init container
/// (`spec.initContainers`, including sidecars).
public enum ContainerType: String, Hashable, Sendable, CaseIterable, Codable {
    case container
    case `init`
}

/// One state of a container as the kubelet reports it (`state` or `lastState` of a container status).
public enum ContainerState: Hashable, Sendable, Codable {
    /// `running`, with `startedAt` when given.
    case running(startedAt: Timestamp?)
    /// `terminated`, with its `reason` (such as `OOMKilled`), exit code and times when given.
    case terminated(reason: String?, exitCode: Int32?, startedAt: Timestamp?, finishedAt: Timestamp?)
    /// `waiting`, with its `reason` (such as `CrashLoopBackOff`).
    case waiting(reason: String?)

    /// True for `running`.
    public var isRunning: Bool { if case .running = self { return true } else { return false } }
    /// True for `terminated`.
    public var isTerminated: Bool { if case .terminated = self { return true } else { return false } }
    /// The termination reason, when the state is `terminated`.
    public var terminationReason: String? {
        if case .terminated(let reason, _, _, _) = self { return reason }
        return nil
    }
    /// The time the container finished, when the state is `terminated`.
    public var finishedAt: Timestamp? {
        if case .terminated(_, _, _, let finishedAt) = self { return finishedAt }
        return nil
    }
}

/// What the kubelet reports about one container: an entry of `status.containerStatuses` or
/// `status.initContainerStatuses`.
public struct ContainerStatusObservation: Hashable, Sendable, Codable {
    /// `resources`: what is enacted on the container. `nil` when the field is absent (in-place
    /// resize off, or a kubelet older than 1.27); that absence is what §3.1 of the design keys on.
    public var resources: ResourceRequirements?
    /// `allocatedResources` (requests only), when given.
    public var allocatedResources: ResourceList?
    /// `restartCount` (0 when absent).
    public var restartCount: Int32
    /// `state`, when given.
    public var state: ContainerState?
    /// `lastState`, when given.
    public var lastState: ContainerState?

    public init(resources: ResourceRequirements? = nil, allocatedResources: ResourceList? = nil,
                restartCount: Int32 = 0, state: ContainerState? = nil, lastState: ContainerState? = nil) {
        self.resources = resources
        self.allocatedResources = allocatedResources
        self.restartCount = restartCount
        self.state = state
        self.lastState = lastState
    }
}

/// One container of a pod as observed: its spec (desired) resources and, when the kubelet has
/// reported it, its status.
public struct ContainerObservation: Hashable, Sendable, Codable {
    public var name: String
    public var type: ContainerType
    /// `spec.containers[i].resources`: the desired resources.
    public var desired: ResourceRequirements
    /// The status entry with the same name, when there is one.
    public var status: ContainerStatusObservation?

    public init(name: String, type: ContainerType = .container, desired: ResourceRequirements = ResourceRequirements(),
                status: ContainerStatusObservation? = nil) {
        self.name = name
        self.type = type
        self.desired = desired
        self.status = status
    }
}

/// A pod condition that matters for resize: `PodResizePending` or `PodResizeInProgress`.
public struct PodCondition: Hashable, Sendable, Codable {
    /// `PodResizePending`, as in `core/v1/types.go`.
    public static let resizePending = "PodResizePending"
    /// `PodResizeInProgress`, as in `core/v1/types.go`.
    public static let resizeInProgress = "PodResizeInProgress"

    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String
    public var message: String
    public var lastTransitionTime: Timestamp?
    public var observedGeneration: Int64?

    public init(type: String, status: String = "True", reason: String = "", message: String = "",
                lastTransitionTime: Timestamp? = nil, observedGeneration: Int64? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.observedGeneration = observedGeneration
    }
}

/// An owner reference of a pod (`metadata.ownerReferences[i]`).
public struct OwnerReference: Hashable, Sendable, Codable {
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool

    public init(kind: String, name: String, uid: String = "", controller: Bool = false) {
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
    }
}

/// A pod as observed at one moment: the parts of a Kubernetes `Pod` that the VPA reads.
///
/// Everything else in the object (labels, images, probes, other conditions…) is left out on purpose:
/// an observation that differs only there is an unchanged re-observation and appends nothing.
public struct PodObservation: Hashable, Sendable, Codable {
    /// `metadata.uid`, or `nil` for a manifest without one (then the pod is keyed by namespace/name).
    public var uid: String?
    /// `metadata.namespace`, `default` when absent.
    public var namespace: String
    /// `metadata.name`.
    public var name: String
    /// `metadata.generation`, when given.
    public var generation: Int64?
    /// `status.observedGeneration`, when given.
    public var observedGeneration: Int64?
    /// `status.phase`, when given (`Pending`, `Running`, …).
    public var phase: String?
    /// `status.startTime`, when given.
    public var startTime: Timestamp?
    /// `spec.nodeName`, when given.
    public var nodeName: String?
    /// `metadata.ownerReferences`.
    public var owners: [OwnerReference]
    /// The resize conditions (`PodResizePending`, `PodResizeInProgress`) in the order the pod lists them.
    public var resizeConditions: [PodCondition]
    /// The deprecated `status.resize` field (`Proposed`, `InProgress`, `Deferred`, `Infeasible`), when given.
    public var legacyResizeStatus: String?
    /// App containers in spec order, then init containers in spec order.
    public var containers: [ContainerObservation]
    /// The `vpaObservedContainers` annotation upstream's admission controller sets (the containers
    /// it saw at admission, `", "`-separated), when the pod has it. Upstream's updater leaves other
    /// containers out of its priority and quick-OOM checks.
    public var vpaObservedContainers: String?

    public init(uid: String? = nil, namespace: String = "default", name: String, generation: Int64? = nil,
                observedGeneration: Int64? = nil, phase: String? = nil, startTime: Timestamp? = nil,
                nodeName: String? = nil, owners: [OwnerReference] = [], resizeConditions: [PodCondition] = [],
                legacyResizeStatus: String? = nil, containers: [ContainerObservation] = []) {
        self.uid = uid
        self.namespace = namespace
        self.name = name
        self.generation = generation
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.startTime = startTime
        self.nodeName = nodeName
        self.owners = owners
        self.resizeConditions = resizeConditions
        self.legacyResizeStatus = legacyResizeStatus
        self.containers = containers
    }

    /// The key the store files this pod under: its UID, or `namespace/name` when it has none.
    public var streamKey: String { uid ?? key.description }

    /// The container with this name and type, if the pod has one.
    public func container(named name: String, type: ContainerType = .container) -> ContainerObservation? {
        containers.first { $0.name == name && $0.type == type }
    }
}

/// An `Evicted` Kubernetes Event about a pod, reduced to the memory-starved containers it names
/// (annotations `offending_containers`, `offending_containers_usage`, `starved_resource`).
public struct EvictionObservation: Hashable, Sendable, Codable {
    /// One container named by the event as using the starved memory.
    public struct Offender: Hashable, Sendable, Codable {
        public var container: String
        /// The usage from `offending_containers_usage`, in bytes.
        public var usageBytes: Int64
        public init(container: String, usageBytes: Int64) {
            self.container = container
            self.usageBytes = usageBytes
        }
    }

    /// What identifies this event, so the same event seen again is not a new OOM: `metadata.uid`, or
    /// `namespace/name` of the Event object when it has no UID.
    public var eventKey: String
    /// `involvedObject.namespace` (`default` when absent).
    public var podNamespace: String
    /// `involvedObject.name`.
    public var podName: String
    /// `involvedObject.uid`, when given.
    public var podUID: String?
    /// `metadata.creationTimestamp` of the Event: upstream's OOM timestamp for evictions.
    public var at: Timestamp
    /// Containers evicted for memory, in the order the annotations list them.
    public var offenders: [Offender]

    public init(eventKey: String, podNamespace: String, podName: String, podUID: String?, at: Timestamp,
                offenders: [Offender]) {
        self.eventKey = eventKey
        self.podNamespace = podNamespace
        self.podName = podName
        self.podUID = podUID
        self.at = at
        self.offenders = offenders
    }
}
