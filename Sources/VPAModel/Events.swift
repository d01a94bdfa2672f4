/// The kinds of event in the log. The raw value is what the `events.type` column stores and
/// matches `EventType` in proto/vpa/store/v1/events.proto; never renumber a shipped value.
public enum EventType: Int32, Hashable, Sendable, CaseIterable {
    case podObserved = 1
    case podDeleted = 2
    case resizeTransition = 3
    case oomKilled = 4
    case evictionObserved = 5
    case inPlaceModeChanged = 6
    case resizeRequested = 7
    case vpaObserved = 8
    case vpaDeleted = 9
    case usageSampled = 10
    case recommendationPublished = 11
    case updaterDecision = 12
    case recommenderCheckpoint = 13
    case usageExpired = 14
    case limitRangeObserved = 15
    case limitRangeDeleted = 16

    /// The name people type and read (`PodObserved`, `OomKilled`, …).
    public var name: String {
        switch self {
        case .podObserved: "PodObserved"
        case .podDeleted: "PodDeleted"
        case .resizeTransition: "ResizeTransition"
        case .oomKilled: "OomKilled"
        case .evictionObserved: "EvictionObserved"
        case .inPlaceModeChanged: "InPlaceModeChanged"
        case .resizeRequested: "ResizeRequested"
        case .vpaObserved: "VpaObserved"
        case .vpaDeleted: "VpaDeleted"
        case .usageSampled: "UsageSampled"
        case .recommendationPublished: "RecommendationPublished"
        case .updaterDecision: "UpdaterDecision"
        case .recommenderCheckpoint: "RecommenderCheckpoint"
        case .usageExpired: "UsageExpired"
        case .limitRangeObserved: "LimitRangeObserved"
        case .limitRangeDeleted: "LimitRangeDeleted"
        }
    }

    /// The type with this name, compared without regard to case.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = found
    }
}

/// The in-place resize setting of DESIGN §3.1.
public enum InPlaceMode: String, Hashable, Sendable, CaseIterable, Codable {
    /// Read status resources once any container status has carried them.
    case auto
    /// Always read status resources, falling back to the spec where a status has none.
    case enabled
    /// Always read the spec.
    case disabled
}

/// Where an actual-resources answer came from (DESIGN §3.1).
public enum ResourceSource: String, Hashable, Sendable, CaseIterable, Codable {
    /// `status.containerStatuses[i].resources`.
    case status
    /// In-place reads are on but the container's status has no `resources`: the spec.
    case specFallback = "spec_fallback"
    /// In-place reads are off: the spec.
    case spec
}

/// Resize state of a pod (DESIGN §3.2).
public enum ResizeState: String, Hashable, Sendable, CaseIterable, Codable {
    case none
    case pendingDeferred = "pending_deferred"
    case pendingInfeasible = "pending_infeasible"
    case inProgress = "in_progress"
    case inProgressError = "in_progress_error"
    case completed

    /// True while a resize is pending or in progress.
    public var isResizing: Bool {
        switch self {
        case .pendingDeferred, .pendingInfeasible, .inProgress, .inProgressError: true
        case .none, .completed: false
        }
    }
}

/// Who asked for a resize.
public enum ResizeInitiator: String, Hashable, Sendable, CaseIterable, Codable {
    /// The store first saw the pod already resizing, so it cannot tell.
    case unknown
    /// A `ResizeRequested` event from the updater explains the new desired resources.
    case vpa
    /// The desired resources changed and no `ResizeRequested` event explains it.
    case manual
}

/// How an OOM kill was detected (DESIGN §3.3).
public enum OOMKind: String, Hashable, Sendable, CaseIterable, Codable {
    /// The container's state became terminated with reason `OOMKilled`.
    case new
    /// Running → running with a higher restart count and `lastState.terminated.reason` `OOMKilled`.
    case previous
    /// An `Evicted` event naming memory.
    case eviction
}

/// Derived event: the resize state of a pod changed, or a new resize started.
public struct ResizeTransition: Hashable, Sendable, Codable {
    public var from: ResizeState
    public var to: ResizeState
    public var initiator: ResizeInitiator
    /// Reason of the condition behind `to` (`Deferred`, `Infeasible`, `Error`, a legacy `status.resize` value), or "".
    public var reason: String
    /// Message of that condition, or "".
    public var message: String
    /// True when the desired resources changed, so the resize clock starts again.
    public var newResize: Bool
    /// `metadata.generation` of the observation that caused it, when known.
    public var generation: Int64?

    public init(from: ResizeState, to: ResizeState, initiator: ResizeInitiator, reason: String = "",
                message: String = "", newResize: Bool = false, generation: Int64? = nil) {
        self.from = from
        self.to = to
        self.initiator = initiator
        self.reason = reason
        self.message = message
        self.newResize = newResize
        self.generation = generation
    }
}

/// Derived event: one OOM kill of one container.
public struct OOMKill: Hashable, Sendable, Codable {
    public var container: String
    public var containerType: ContainerType
    public var kind: OOMKind
    /// When the container was killed (`finishedAt`, or the Evicted event's creation time).
    public var at: Timestamp
    /// The actual memory request at the kill (status first, then spec), when set.
    public var memoryRequestBytes: Int64?
    /// The actual memory limit at the kill, when set.
    public var memoryLimitBytes: Int64?
    public var source: ResourceSource
    /// For evictions: the usage the event reported.
    public var usageBytes: Int64?
    /// The container's restart count in the observation that showed the kill.
    public var restartCount: Int32?

    public init(container: String, containerType: ContainerType = .container, kind: OOMKind, at: Timestamp,
                memoryRequestBytes: Int64?, memoryLimitBytes: Int64?, source: ResourceSource,
                usageBytes: Int64? = nil, restartCount: Int32? = nil) {
        self.container = container
        self.containerType = containerType
        self.kind = kind
        self.at = at
        self.memoryRequestBytes = memoryRequestBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.source = source
        self.usageBytes = usageBytes
        self.restartCount = restartCount
    }
}

/// Event: the in-place setting changed, or `auto` turned on at the first status `resources` seen.
public struct InPlaceModeChange: Hashable, Sendable, Codable {
    public var mode: InPlaceMode
    /// For `auto`: whether status resources have been seen.
    public var detected: Bool

    public init(mode: InPlaceMode, detected: Bool) {
        self.mode = mode
        self.detected = detected
    }
}

/// Event written by the updater: it asked the kubelet to resize a pod to these resources.
public struct ResizeRequest: Hashable, Sendable, Codable {
    /// The resources asked for one container.
    public struct Target: Hashable, Sendable, Codable {
        public var container: String
        public var type: ContainerType
        public var resources: ResourceRequirements
        public init(container: String, type: ContainerType = .container, resources: ResourceRequirements) {
            self.container = container
            self.type = type
            self.resources = resources
        }
    }
    public var targets: [Target]
    public var requestedBy: String
    public var reason: String

    public init(targets: [Target], requestedBy: String = "vpa-updater", reason: String = "") {
        self.targets = targets
        self.requestedBy = requestedBy
        self.reason = reason
    }
}

/// The body of one event in the log.
public enum EventBody: Hashable, Sendable {
    case podObserved(PodObservation)
    case podDeleted(namespace: String, name: String)
    case resizeTransition(ResizeTransition)
    case oomKilled(OOMKill)
    case evictionObserved(EvictionObservation)
    case inPlaceModeChanged(InPlaceModeChange)
    case resizeRequested(ResizeRequest)
    case vpaObserved(VPAObservation)
    case vpaDeleted(namespace: String, name: String)
    /// Usage of the stream's pod.
    case usageSampled(UsageSample)
    /// The recommender's recommendation, on the VPA's stream.
    case recommendationPublished(PublishedRecommendation)
    /// What the updater decided for the stream's pod, and why.
    case updaterDecision(UpdaterDecisionRecord)
    /// The recommender's saved histories of the stream's VPA.
    case recommenderCheckpoint(RecommenderCheckpoint)
    /// The store's usage retention removed the usage samples older than a time (store stream).
    case usageExpired(UsageExpiry)
    /// A LimitRange as observed, on the LimitRange's stream.
    case limitRangeObserved(LimitRangeObservation)
    /// The LimitRange is gone.
    case limitRangeDeleted(namespace: String, name: String)

    /// The type column value for this body.
    public var type: EventType {
        switch self {
        case .podObserved: .podObserved
        case .podDeleted: .podDeleted
        case .resizeTransition: .resizeTransition
        case .oomKilled: .oomKilled
        case .evictionObserved: .evictionObserved
        case .inPlaceModeChanged: .inPlaceModeChanged
        case .resizeRequested: .resizeRequested
        case .vpaObserved: .vpaObserved
        case .vpaDeleted: .vpaDeleted
        case .usageSampled: .usageSampled
        case .recommendationPublished: .recommendationPublished
        case .updaterDecision: .updaterDecision
        case .recommenderCheckpoint: .recommenderCheckpoint
        case .usageExpired: .usageExpired
        case .limitRangeObserved: .limitRangeObserved
        case .limitRangeDeleted: .limitRangeDeleted
        }
    }
}
