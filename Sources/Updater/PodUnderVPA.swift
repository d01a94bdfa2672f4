import VPAModel

/// One container of a pod under a VPA, as the store reports it.
///
/// Pass the app containers and the native sidecars (init containers with `restartPolicy: Always`):
/// upstream looks at both when the `NativeSidecar` gate is on.
public struct ContainerUnderVPA: Hashable, Sendable {
    /// The container's name, which recommendations are matched by.
    public var name: String
    /// App container or init container (sidecar).
    public var type: ContainerType
    /// What the container has: status first, spec as fallback (DESIGN §3.1). Priority, the
    /// recommended-range test and the resource diff read these requests, as upstream's
    /// `ContainerRequestsAndLimits` does.
    public var actual: ResourceRequirements
    /// What the spec asks (`spec.containers[i].resources`). Upstream keeps the spec's
    /// limit:request proportion when it sets limits, and an in-flight resize asks for these values.
    public var desired: ResourceRequirements
    /// `lastState` of the container status, read for quick OOM (terminated, reason `OOMKilled`,
    /// with `startedAt` and `finishedAt`).
    public var lastState: ContainerState?

    /// A container; `desired` defaults to `actual` (no resize pending).
    public init(name: String, type: ContainerType = .container, actual: ResourceRequirements,
                desired: ResourceRequirements? = nil, lastState: ContainerState? = nil) {
        self.name = name
        self.type = type
        self.actual = actual
        self.desired = desired ?? actual
        self.lastState = lastState
    }
}

/// A live pod of a VPA's replica group, with what the store knows about it.
///
/// Live means what upstream's pod lister keeps: scheduled (`spec.nodeName` set), not `Succeeded`
/// or `Failed`, not being deleted. Finished pods passed anyway are ignored and not counted.
public struct PodUnderVPA: Hashable, Sendable {
    /// `metadata.namespace`.
    public var namespace: String
    /// `metadata.name`.
    public var name: String
    /// `metadata.uid`, when known.
    public var uid: String?
    /// `status.phase` (`Pending`, `Running`, …), when known.
    public var phase: String?
    /// `status.startTime`, when known. Without it a pod inside the recommended range is never updated.
    public var startTime: Timestamp?
    /// The containers, in spec order (app containers, then sidecars).
    public var containers: [ContainerUnderVPA]
    /// The VPA's recommendation for this pod's containers, matched by container name; empty when
    /// the recommender has published none.
    public var recommendations: [ContainerRecommendation]
    /// The store's durable record of the pod's current resize (DESIGN §3.2): its state, `since`
    /// (when the store first observed that state; replaces upstream's in-memory
    /// `lastInPlaceAttemptTimeMap`, so a restart of the updater keeps the clock), who started it,
    /// and the condition's reason. `awaitingKubelet` is not read: like upstream, a pod counts as
    /// resizing only once the kubelet reports it.
    public var resize: ResizeRecord
    /// When the store saw the last VPA-initiated in-place resize of this pod complete. vpa-store
    /// counts it as a disruption that starts the lifetime clock again (AEP-4016; DESIGN §3.4).
    public var lastSuccessfulInPlaceResize: Timestamp?
    /// The pod's `vpaObservedContainers` annotation, when it has one (see `observedContainers`).
    public var vpaObservedContainers: String?

    /// A pod; by default running, with no recommendation and no resize.
    public init(namespace: String = "default", name: String, uid: String? = nil, phase: String? = "Running",
                startTime: Timestamp? = nil, containers: [ContainerUnderVPA],
                recommendations: [ContainerRecommendation] = [], resize: ResizeRecord = ResizeRecord(),
                lastSuccessfulInPlaceResize: Timestamp? = nil) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.phase = phase
        self.startTime = startTime
        self.containers = containers
        self.recommendations = recommendations
        self.resize = resize
        self.lastSuccessfulInPlaceResize = lastSuccessfulInPlaceResize
    }

    /// True for phase `Pending`.
    var isPending: Bool { phase == "Pending" }
    /// True for phase `Succeeded` or `Failed`: upstream's lister never returns such pods.
    var isFinished: Bool { phase == "Succeeded" || phase == "Failed" }
}
