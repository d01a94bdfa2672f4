import VPAModel

/// The current resources of one container as the history projection holds them.
struct ContainerResources: Hashable, Sendable, Codable {
    var actual: ResourceRequirements
    var desired: ResourceRequirements
    var source: ResourceSource
}

/// The open (current) resource-history row of one container.
struct OpenHistoryRow: Hashable, Sendable, Codable {
    var containerID: Int64
    var fromPosition: Int64
    var validFrom: Timestamp
    var values: ContainerResources
}

/// Everything the store keeps in memory about one pod stream: the hot view of DESIGN §4.
struct PodState: Hashable, Sendable, Codable {
    var streamID: Int64
    /// The last `PodObserved` body applied. A new observation equal to it is an unchanged
    /// re-observation (an informer resync) and appends nothing.
    var observation: PodObservation?
    /// Its occurred-at time.
    var observedAt: Timestamp?
    /// Position of the stream's last event.
    var head: Int64
    /// False once deleted, or replaced by a pod with the same namespace/name and a new UID.
    var live: Bool
    var resize: ResizeRecord
    /// Interned container ids, by type and name.
    var containerIDs: [ContainerKey: Int64]
    /// Open history rows, by container id.
    var openHistory: [Int64: OpenHistoryRow]
    /// The latest `ResizeRequested` since the desired resources last changed.
    var lastResizeRequest: ResizeRequest?
    /// When a resize the updater asked for last completed.
    var lastVPAResizeCompletedAt: Timestamp?

    init(streamID: Int64) {
        self.streamID = streamID
        self.observation = nil
        self.observedAt = nil
        self.head = 0
        self.live = true
        self.resize = ResizeRecord()
        self.containerIDs = [:]
        self.openHistory = [:]
        self.lastResizeRequest = nil
    }

    static func containerKey(name: String, type: ContainerType) -> ContainerKey { ContainerKey(type: type, name: name) }
}

/// A container of a pod: its type and name. A struct rather than the text "type/name" it was, so a
/// lookup (two per usage sample on ingest and replay) builds no string: "container/sidecar" is
/// longer than a small string and was a heap allocation each time (profile, docs/perf-store-readme.md).
struct ContainerKey: Hashable, Sendable, Codable, CodingKeyRepresentable {
    var type: ContainerType
    var name: String

    init(type: ContainerType, name: String) {
        self.type = type
        self.name = name
    }

    /// "type/name": the form snapshots store (the binary rows, and the JSON rows of older binaries,
    /// whose dictionary keys `CodingKeyRepresentable` keeps).
    var text: String { "\(type.rawValue)/\(name)" }

    init?(text: String) {
        guard let slash = text.firstIndex(of: "/"), let type = ContainerType(rawValue: String(text[..<slash])) else {
            return nil
        }
        self.init(type: type, name: String(text[text.index(after: slash)...]))
    }

    var codingKey: any CodingKey { TextKey(stringValue: text) }

    init?<T: CodingKey>(codingKey: T) { self.init(text: codingKey.stringValue) }

    private struct TextKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension ResizeRequest {
    /// True when every container this request names has exactly the requested values (for the
    /// resources the request sets) in `pod`'s desired spec: then the request explains the new spec.
    func explains(_ pod: PodObservation) -> Bool {
        targets.allSatisfy { target in
            guard let container = pod.container(named: target.container, type: target.type) else { return false }
            return target.resources.requests.isSatisfied(by: container.desired.requests)
                && target.resources.limits.isSatisfied(by: container.desired.limits)
        }
    }
}

extension ResourceList {
    /// True when every resource set here has the same value in `other`.
    fileprivate func isSatisfied(by other: ResourceList) -> Bool {
        (cpuMillicores == nil || cpuMillicores == other.cpuMillicores)
            && (memoryBytes == nil || memoryBytes == other.memoryBytes)
    }
}
