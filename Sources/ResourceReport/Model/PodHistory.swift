import VPAModel

/// One pod UID's story as a report draws it: its resources at each change, usage, resize spans,
/// OOM kills and evictions, each with the log position it came from.
struct PodHistory {
    /// The requests and limits of one container from one observation on: desired (spec) and actual
    /// (status first, as the store reads them) with where the actual values came from.
    struct ResourceChange: Equatable {
        var at: Timestamp
        var position: Int64
        var desired: ResourceRequirements
        var actual: ResourceRequirements
        var source: ResourceSource

        func sameValues(as other: ResourceChange) -> Bool {
            desired == other.desired && actual == other.actual && source == other.source
        }
    }

    struct UsagePoint {
        var at: Timestamp
        var windowMilliseconds: Int64
        var cpuMillicores: Int64
        var memoryBytes: Int64
    }

    struct Container {
        var name: String
        var type: ContainerType
        /// One entry per observation that changed any value, oldest first.
        var changes: [ResourceChange] = []
        var usage: [UsagePoint] = []
        var oomKills: [OOMMark] = []

        /// The change in effect at `time` (the last one at or before it).
        func change(at time: Timestamp) -> ResourceChange? {
            changes.last { $0.at <= time }
        }
    }

    struct OOMMark {
        var kill: OOMKill
        var position: Int64
        var summary: String
    }

    /// An eviction of the pod: by the updater (its decision) or by the kubelet (an `Evicted` event).
    struct EvictionMark {
        var at: Timestamp
        var position: Int64
        var byUpdater: Bool
        var summary: String
    }

    /// A stretch of time the pod spent in one resizing state.
    struct ResizeSpan {
        var state: ResizeState
        var from: Timestamp
        /// nil: still in the state at the end of the history.
        var to: Timestamp?
        var initiator: ResizeInitiator
        var reason: String
        var message: String
        /// The `ResizeTransition` that began it.
        var position: Int64
        var summary: String
    }

    let streamID: Int64
    var namespace: String
    var name: String
    var uid: String
    var firstSeen: Timestamp
    var deletedAt: Timestamp?
    /// The latest observation (owners, for grouping and for matching a VPA).
    var latest: PodObservation
    var containers: [Container] = []
    var spans: [ResizeSpan] = []
    var evictions: [EvictionMark] = []
    /// The last event time of the pod (its history ends there when nothing later is drawn).
    var lastEvent: Timestamp

    init(streamID: Int64, observation: PodObservation, at: Timestamp) {
        self.streamID = streamID
        namespace = observation.namespace
        name = observation.name
        uid = observation.uid ?? ""
        firstSeen = at
        latest = observation
        lastEvent = at
    }

    var openSpan: ResizeSpan? { spans.last.flatMap { $0.to == nil ? $0 : nil } }

    mutating func observe(_ pod: PodObservation, at: Timestamp, position: Int64, readsStatus: Bool) {
        latest = pod
        for container in pod.containers {
            let actual = container.actualResources(readsStatus: readsStatus)
            record(ResourceChange(at: at, position: position, desired: container.desired, actual: actual.resources,
                                  source: actual.source), container: container.name, type: container.type)
        }
    }

    /// Reads the actual resources again after the store's in-place setting changed.
    mutating func reevaluate(at: Timestamp, position: Int64, readsStatus: Bool) {
        guard deletedAt == nil else { return }
        observe(latest, at: at, position: position, readsStatus: readsStatus)
    }

    private mutating func record(_ change: ResourceChange, container name: String, type: ContainerType) {
        let index = containerIndex(name: name, type: type)
        if let last = containers[index].changes.last, last.sameValues(as: change) { return }
        containers[index].changes.append(change)
    }

    mutating func containerIndex(name: String, type: ContainerType) -> Int {
        if let index = containers.firstIndex(where: { $0.name == name && $0.type == type }) { return index }
        containers.append(Container(name: name, type: type))
        return containers.count - 1
    }

    mutating func transition(_ transition: ResizeTransition, at: Timestamp, position: Int64, summary: String) {
        if let open = openSpan, open.state != transition.to || transition.newResize {
            spans[spans.count - 1].to = at
        }
        if transition.to.isResizing, openSpan == nil {
            spans.append(ResizeSpan(state: transition.to, from: at, to: nil, initiator: transition.initiator,
                                    reason: transition.reason, message: transition.message, position: position, summary: summary))
        }
    }

    mutating func delete(at: Timestamp) {
        deletedAt = at
        if openSpan != nil { spans[spans.count - 1].to = at }
    }
}
