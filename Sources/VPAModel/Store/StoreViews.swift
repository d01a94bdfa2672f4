/// The actual and desired resources of one container, as `query resources` prints them.
public struct ContainerResourcesView: Hashable, Sendable {
    public var namespace: String
    public var pod: String
    /// The pod's UID, or "" for a manifest that had none.
    public var podUID: String
    public var container: String
    public var containerType: ContainerType
    public var actual: ResourceRequirements
    public var desired: ResourceRequirements
    public var source: ResourceSource
    public var resizeState: ResizeState
    /// When the store first observed `resizeState` (nil for a pod that never had a transition).
    public var resizeSince: Timestamp?
    /// The log position the answer is current to.
    public var position: Int64

    public init(namespace: String, pod: String, podUID: String, container: String, containerType: ContainerType, actual: ResourceRequirements, desired: ResourceRequirements, source: ResourceSource, resizeState: ResizeState, resizeSince: Timestamp?, position: Int64) {
        self.namespace = namespace
        self.pod = pod
        self.podUID = podUID
        self.container = container
        self.containerType = containerType
        self.actual = actual
        self.desired = desired
        self.source = source
        self.resizeState = resizeState
        self.resizeSince = resizeSince
        self.position = position
    }
}

/// One pod's resize, as `query resizes` prints it.
public struct ResizeView: Hashable, Sendable {
    public var namespace: String
    public var pod: String
    public var podUID: String
    public var state: ResizeState
    public var since: Timestamp?
    public var initiator: ResizeInitiator
    public var reason: String
    public var message: String
    /// Seconds from `since` to the `now` asked about.
    public var elapsedSeconds: Int64
    /// True when the state's timeout is exceeded at `now`; always true for `pending_infeasible` and
    /// `in_progress_error`, which the updater evicts at once.
    public var timedOut: Bool
    public var position: Int64

    public init(namespace: String, pod: String, podUID: String, state: ResizeState, since: Timestamp?, initiator: ResizeInitiator, reason: String, message: String, elapsedSeconds: Int64, timedOut: Bool, position: Int64) {
        self.namespace = namespace
        self.pod = pod
        self.podUID = podUID
        self.state = state
        self.since = since
        self.initiator = initiator
        self.reason = reason
        self.message = message
        self.elapsedSeconds = elapsedSeconds
        self.timedOut = timedOut
        self.position = position
    }
}

/// The resize timeouts of DESIGN §3.2 (upstream `DeferredResizeUpdateTimeout`,
/// `InProgressResizeUpdateTimeout` in pkg/updater/restriction/pods_inplace_restriction.go).
public struct ResizeTimeouts: Hashable, Sendable {
    /// How long a resize may stay `pending_deferred` (upstream: 5 minutes).
    public var deferred: Duration
    /// How long a resize may stay `in_progress` (upstream: 1 hour).
    public var inProgress: Duration

    public init(deferred: Duration = .seconds(5 * 60), inProgress: Duration = .seconds(60 * 60)) {
        self.deferred = deferred
        self.inProgress = inProgress
    }

    /// The limit of `state`, for the states that have one.
    public func limit(of state: ResizeState) -> Duration? {
        switch state {
        case .pendingDeferred: deferred
        case .inProgress: inProgress
        case .none, .completed, .pendingInfeasible, .inProgressError: nil
        }
    }

    /// Whether a resize in `state` since `since` has waited too long at `now`. Like upstream, the
    /// limit must be exceeded (`>`), not just reached.
    public func isExceeded(state: ResizeState, since: Timestamp?, now: Timestamp) -> Bool {
        if state == .pendingInfeasible || state == .inProgressError { return true }
        guard let limit = limit(of: state) else { return false }
        return (since.map { now.duration(since: $0) } ?? .zero) > limit
    }
}

/// One OOM kill, as `query ooms` prints it.
public struct OOMView: Hashable, Sendable {
    public var namespace: String
    public var pod: String
    public var podUID: String
    public var kill: OOMKill
    public var position: Int64

    public init(namespace: String, pod: String, podUID: String, kill: OOMKill, position: Int64) {
        self.namespace = namespace
        self.pod = pod
        self.podUID = podUID
        self.kill = kill
        self.position = position
    }
}

/// A point in the past to read the store at.
public enum PointInTime: Hashable, Sendable {
    /// As observed at this time (observation times, not append times).
    case time(Timestamp)
    /// As the log stood after this position.
    case position(Int64)
}

/// One log entry with the stream it belongs to, as readers outside the store see it.
public struct EventRecord: Hashable, Sendable {
    public var event: StoredEvent
    /// The stream (pod) the event is about; nil only for an event of a stream the reader does not know.
    public var stream: StreamInfo?

    public init(event: StoredEvent, stream: StreamInfo?) {
        self.event = event
        self.stream = stream
    }
}

/// A live pod with everything the updater reads about it: the observation (phase, start time,
/// owners, container states), its actual resources and its resize state.
public struct PodRecord: Hashable, Sendable {
    public var pod: PodObservation
    public var resources: [ContainerResourcesView]
    public var resize: ResizeView
    /// When a resize the updater asked for last completed (the 12-hour rule's start).
    public var lastVPAResizeCompletedAt: Timestamp?

    public init(pod: PodObservation, resources: [ContainerResourcesView], resize: ResizeView,
                lastVPAResizeCompletedAt: Timestamp?) {
        self.pod = pod
        self.resources = resources
        self.resize = resize
        self.lastVPAResizeCompletedAt = lastVPAResizeCompletedAt
    }
}

/// A VerticalPodAutoscaler with its latest published recommendation.
public struct VPARecord: Hashable, Sendable {
    public var vpa: VPAObservation
    public var recommendation: PublishedRecommendation?
    /// The recommender's latest checkpoint of this VPA's histories.
    public var checkpoint: RecommenderCheckpoint?

    public init(vpa: VPAObservation, recommendation: PublishedRecommendation?, checkpoint: RecommenderCheckpoint? = nil) {
        self.vpa = vpa
        self.recommendation = recommendation
        self.checkpoint = checkpoint
    }
}
