import VPAModel

// The Swift face of the request and response messages of proto/vpa/store/v1/store.proto. Their
// encodings are in StoreMessages+Codec.swift; everything outside StoreWire sees only these values.

/// GetServerInfo's request (no fields).
public struct ServerInfoRequest: Hashable, Sendable {
    public init() {}
}

/// What a server says about itself.
public struct ServerInfo: Hashable, Sendable {
    public var serverVersion: String
    public var protocolVersion: UInt32
    public var storeID: String
    public var headPosition: Int64
    public var firstPosition: Int64
    public var inPlaceMode: InPlaceMode
    public var inPlaceDetected: Bool
    public var startedAt: Timestamp
    public var openConnections: UInt32
    public var watchers: UInt32
    public var settings: ServerSettings

    public init(serverVersion: String, protocolVersion: UInt32, storeID: String, headPosition: Int64,
                firstPosition: Int64, inPlaceMode: InPlaceMode, inPlaceDetected: Bool, startedAt: Timestamp,
                openConnections: UInt32, watchers: UInt32, settings: ServerSettings) {
        self.serverVersion = serverVersion
        self.protocolVersion = protocolVersion
        self.storeID = storeID
        self.headPosition = headPosition
        self.firstPosition = firstPosition
        self.inPlaceMode = inPlaceMode
        self.inPlaceDetected = inPlaceDetected
        self.startedAt = startedAt
        self.openConnections = openConnections
        self.watchers = watchers
        self.settings = settings
    }
}

/// The settings a server runs with.
public struct ServerSettings: Hashable, Sendable {
    public var database: String
    public var listen: String
    public var maxFrameBytes: UInt32
    public var tokenRequired: Bool
    public var timeouts: ResizeTimeouts
    public var watchBufferEvents: UInt32
    public var watchProgressInterval: Duration
    public var shutdownGrace: Duration

    public init(database: String, listen: String, maxFrameBytes: UInt32, tokenRequired: Bool,
                timeouts: ResizeTimeouts, watchBufferEvents: UInt32, watchProgressInterval: Duration,
                shutdownGrace: Duration) {
        self.database = database
        self.listen = listen
        self.maxFrameBytes = maxFrameBytes
        self.tokenRequired = tokenRequired
        self.timeouts = timeouts
        self.watchBufferEvents = watchBufferEvents
        self.watchProgressInterval = watchProgressInterval
        self.shutdownGrace = shutdownGrace
    }
}

/// CheckHealth's request (no fields).
public struct HealthRequest: Hashable, Sendable {
    public init() {}
}

/// Whether the server takes calls.
public struct HealthStatus: Hashable, Sendable {
    /// False while the server drains for shutdown.
    public var serving: Bool
    public var headPosition: Int64

    public init(serving: Bool, headPosition: Int64) {
        self.serving = serving
        self.headPosition = headPosition
    }
}

/// One client-authored event to append to a pod's stream.
public struct AppendEvent: Hashable, Sendable {
    /// The event kinds a client may append; everything else the store derives itself.
    public enum Body: Hashable, Sendable {
        /// On the pod's stream: the updater asked for a resize.
        case resizeRequested(ResizeRequest)
        /// On the VPA's stream (`vpaKey`): the recommender's recommendation.
        case recommendationPublished(PublishedRecommendation)
        /// On the pod's stream: what the updater decided and why.
        case updaterDecision(UpdaterDecisionRecord)
        /// On the VPA's stream (`vpaKey`): the recommender's saved histories.
        case recommenderCheckpoint(RecommenderCheckpoint)

        /// True for the kinds that go on a VPA's stream.
        public var isVPAEvent: Bool {
            switch self {
            case .recommendationPublished, .recommenderCheckpoint: true
            case .resizeRequested, .updaterDecision: false
            }
        }

        /// The log's body for this event.
        public var eventBody: EventBody {
            switch self {
            case .resizeRequested(let request): .resizeRequested(request)
            case .recommendationPublished(let published): .recommendationPublished(published)
            case .updaterDecision(let decision): .updaterDecision(decision)
            case .recommenderCheckpoint(let checkpoint): .recommenderCheckpoint(checkpoint)
            }
        }
    }

    /// The pod's UID, or "namespace/name" (pod events).
    public var podKey: String
    /// The VPA's "namespace/name" (VPA events).
    public var vpaKey: String = ""
    /// When it happened; nil = the server's clock.
    public var occurredAt: Timestamp?
    public var body: Body

    public init(podKey: String = "", vpaKey: String = "", occurredAt: Timestamp? = nil, body: Body) {
        self.podKey = podKey
        self.vpaKey = vpaKey
        self.occurredAt = occurredAt
        self.body = body
    }
}

/// A batch of events to append, all or nothing.
public struct AppendRequest: Hashable, Sendable {
    /// A retried request with the same key returns the first answer and appends nothing.
    public var idempotencyKey: String?
    /// Append only if the head is exactly this position.
    public var expectedHead: Int64?
    public var events: [AppendEvent]

    public init(idempotencyKey: String? = nil, expectedHead: Int64? = nil, events: [AppendEvent]) {
        self.idempotencyKey = idempotencyKey
        self.expectedHead = expectedHead
        self.events = events
    }
}

/// What an append did.
public struct AppendResponse: Hashable, Sendable {
    public var firstPosition: Int64
    public var lastPosition: Int64
    public var headPosition: Int64
    /// True when this is the stored answer to an earlier request with the same idempotency key.
    public var replayed: Bool

    public init(firstPosition: Int64, lastPosition: Int64, headPosition: Int64, replayed: Bool = false) {
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.headPosition = headPosition
        self.replayed = replayed
    }
}

/// A batch of observations to ingest, all or nothing, with the same derivations as `vpa-store ingest`.
public struct IngestRequest: Hashable, Sendable {
    public var idempotencyKey: String?
    public var expectedHead: Int64?
    /// When the observations were made; nil = the server's clock.
    public var observedAt: Timestamp?
    /// Sets the in-place setting first; nil keeps it.
    public var inPlaceMode: InPlaceMode?
    public var observations: [Observation]

    public init(idempotencyKey: String? = nil, expectedHead: Int64? = nil, observedAt: Timestamp? = nil,
                inPlaceMode: InPlaceMode? = nil, observations: [Observation]) {
        self.idempotencyKey = idempotencyKey
        self.expectedHead = expectedHead
        self.observedAt = observedAt
        self.inPlaceMode = inPlaceMode
        self.observations = observations
    }
}

/// What an ingest did.
public struct IngestResponse: Hashable, Sendable {
    public var summary: IngestSummary
    public var headPosition: Int64
    public var replayed: Bool

    public init(summary: IngestSummary, headPosition: Int64, replayed: Bool = false) {
        self.summary = summary
        self.headPosition = headPosition
        self.replayed = replayed
    }
}

/// Which containers' actual resources to read, and when.
public struct ActualResourcesRequest: Hashable, Sendable {
    public var namespace: String?
    public var pod: String?
    public var container: String?
    /// Pods whose controller owner reference has this kind and name.
    public var owner: (kind: String, name: String)? {
        get { ownerKind.map { ($0, ownerName ?? "") } }
        set { ownerKind = newValue?.kind; ownerName = newValue?.name }
    }
    public var ownerKind: String?
    public var ownerName: String?
    /// nil = now.
    public var at: PointInTime?
    /// Containers per page; nil = the whole answer at once.
    public var limit: Int?
    /// The previous page's `nextPageAfter`.
    public var pageAfter: String?

    public init(namespace: String? = nil, pod: String? = nil, container: String? = nil,
                owner: (kind: String, name: String)? = nil, at: PointInTime? = nil, limit: Int? = nil, pageAfter: String? = nil) {
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.ownerKind = owner?.kind
        self.ownerName = owner?.name
        self.at = at
        self.limit = limit
        self.pageAfter = pageAfter
    }
}

/// Containers' actual resources and the position the answer is current to.
public struct ActualResourcesResponse: Hashable, Sendable {
    public var position: Int64
    public var containers: [ContainerResourcesView]
    /// With a limit: where the next page starts; nil on the last page.
    public var nextPageAfter: String?

    public init(position: Int64, containers: [ContainerResourcesView], nextPageAfter: String? = nil) {
        self.position = position
        self.containers = containers
        self.nextPageAfter = nextPageAfter
    }
}

/// One pod's resize state at `now`.
public struct ResizeStateRequest: Hashable, Sendable {
    public var pod: PodKey
    /// nil = the server's clock.
    public var now: Timestamp?
    /// nil = the server's settings.
    public var timeouts: ResizeTimeouts?

    public init(pod: PodKey, now: Timestamp? = nil, timeouts: ResizeTimeouts? = nil) {
        self.pod = pod
        self.now = now
        self.timeouts = timeouts
    }
}

public struct ResizeStateResponse: Hashable, Sendable {
    public var position: Int64
    public var resize: ResizeView

    public init(position: Int64, resize: ResizeView) {
        self.position = position
        self.resize = resize
    }
}

/// Pods in a resize at `now`.
public struct ResizesRequest: Hashable, Sendable {
    /// nil = every pod in a resize; otherwise pods in this state (including `completed`).
    public var state: ResizeState?
    public var namespace: String?
    public var now: Timestamp?
    public var timeouts: ResizeTimeouts?

    public init(state: ResizeState? = nil, namespace: String? = nil, now: Timestamp? = nil,
                timeouts: ResizeTimeouts? = nil) {
        self.state = state
        self.namespace = namespace
        self.now = now
        self.timeouts = timeouts
    }
}

public struct ResizesResponse: Hashable, Sendable {
    public var position: Int64
    public var resizes: [ResizeView]

    public init(position: Int64, resizes: [ResizeView]) {
        self.position = position
        self.resizes = resizes
    }
}

/// OOM kills by pod, container and time range (inclusive).
public struct OOMKillsRequest: Hashable, Sendable {
    public var namespace: String?
    public var pod: String?
    public var container: String?
    public var since: Timestamp?
    public var until: Timestamp?

    public init(namespace: String? = nil, pod: String? = nil, container: String? = nil, since: Timestamp? = nil,
                until: Timestamp? = nil) {
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.since = since
        self.until = until
    }
}

public struct OOMKillsResponse: Hashable, Sendable {
    public var position: Int64
    public var kills: [OOMView]

    public init(position: Int64, kills: [OOMView]) {
        self.position = position
        self.kills = kills
    }
}

/// A page of the log.
public struct ReadEventsRequest: Hashable, Sendable {
    /// The largest page a server returns.
    public static let maximumLimit = 10_000

    public var fromPosition: Int64
    /// Events per page, 1...10,000.
    public var limit: Int
    public var selector: EventSelector

    public init(fromPosition: Int64 = 1, limit: Int = 1000, selector: EventSelector = EventSelector()) {
        self.fromPosition = fromPosition
        self.limit = limit
        self.selector = selector
    }
}

/// Events from the log: a page of ReadEvents, or one message of a Watch (no events = progress).
public struct EventPage: Hashable, Sendable {
    public var events: [EventRecord]
    /// Every event before this position that passes the selector has been delivered.
    public var nextPosition: Int64
    public var headPosition: Int64

    public init(events: [EventRecord], nextPosition: Int64, headPosition: Int64) {
        self.events = events
        self.nextPosition = nextPosition
        self.headPosition = headPosition
    }
}

/// Events from a position, then live.
public struct WatchRequest: Hashable, Sendable {
    /// The first position to deliver; nil = only events appended after the call starts.
    public var fromPosition: Int64?
    public var selector: EventSelector
    /// How often an idle watch reports the head; nil = the server's setting.
    public var progressIntervalMilliseconds: UInt32?

    public init(fromPosition: Int64? = nil, selector: EventSelector = EventSelector(),
                progressIntervalMilliseconds: UInt32? = nil) {
        self.fromPosition = fromPosition
        self.selector = selector
        self.progressIntervalMilliseconds = progressIntervalMilliseconds
    }
}

/// The VPAs (of one namespace) with their recommendations.
public struct VPAListRequest: Hashable, Sendable {
    public var namespace: String?

    public init(namespace: String? = nil) {
        self.namespace = namespace
    }
}

public struct VPAListResponse: Hashable, Sendable {
    public var position: Int64
    public var vpas: [VPARecord]
    /// The LimitRanges of the listed VPAs' namespaces, which capping reads.
    public var limitRanges: [LimitRangeObservation]

    public init(position: Int64, limitRanges: [LimitRangeObservation] = [], vpas: [VPARecord]) {
        self.position = position
        self.vpas = vpas
        self.limitRanges = limitRanges
    }
}

/// A page of live pods with what the updater reads about them.
public struct PodListRequest: Hashable, Sendable {
    /// The largest page a server returns.
    public static let maximumLimit = 5000

    public var namespace: String?
    public var now: Timestamp?
    public var timeouts: ResizeTimeouts?
    /// "namespace/name" of the last pod of the previous page.
    public var pageAfter: String?
    public var limit: Int

    public init(namespace: String? = nil, now: Timestamp? = nil, timeouts: ResizeTimeouts? = nil, pageAfter: String? = nil,
                limit: Int = 500) {
        self.namespace = namespace
        self.now = now
        self.timeouts = timeouts
        self.pageAfter = pageAfter
        self.limit = limit
    }
}

public struct PodListResponse: Hashable, Sendable {
    public var position: Int64
    public var pods: [PodRecord]
    /// The next page's `pageAfter`; nil when this was the last page.
    public var nextPageAfter: String?

    public init(position: Int64, pods: [PodRecord], nextPageAfter: String?) {
        self.position = position
        self.pods = pods
        self.nextPageAfter = nextPageAfter
    }
}
