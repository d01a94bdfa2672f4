/// Which events a read or a watch wants: the one filter of the log. The store answers it in SQL
/// (or by walking a pod's streams, for `pod`), the server's recent-events buffer and a pod's chain
/// walk with `matches`, and the CLI and the wire carry it as it is.
public struct EventSelector: Hashable, Sendable {
    /// Only events of this pod: every UID its namespace and name have had.
    public var pod: PodKey?
    /// Only events of streams of this kind (pods, VPAs, the store's own).
    public var streamKind: StreamInfo.Kind?
    /// Only events of streams in this namespace.
    public var namespace: String?
    /// Only events of streams with this name, in any namespace unless `namespace` is given.
    public var name: String?
    public var type: EventType?
    /// Only events that occurred at or after this time.
    public var since: Timestamp?
    /// Only events that occurred at or before this time.
    public var until: Timestamp?

    public init(pod: PodKey? = nil, streamKind: StreamInfo.Kind? = nil, namespace: String? = nil, name: String? = nil,
                type: EventType? = nil, since: Timestamp? = nil, until: Timestamp? = nil) {
        self.pod = pod
        self.streamKind = streamKind
        self.namespace = namespace
        self.name = name
        self.type = type
        self.since = since
        self.until = until
    }

    /// True when the selector tests the event's stream (and so needs it to decide).
    public var testsStream: Bool { pod != nil || streamKind != nil || namespace != nil || name != nil }

    /// Whether `record` is selected.
    public func matches(_ record: EventRecord) -> Bool {
        matches(event: record.event) && matches(stream: record.stream)
    }

    /// The tests on the event itself: its type and when it occurred.
    public func matches(event: StoredEvent) -> Bool {
        if let type, event.body.type != type { return false }
        if let since, event.occurredAt < since { return false }
        if let until, event.occurredAt > until { return false }
        return true
    }

    /// The tests on the stream the event belongs to; an unknown stream passes only when none is tested.
    public func matches(stream: StreamInfo?) -> Bool {
        guard testsStream else { return true }
        guard let stream else { return false }
        if let pod, stream.kind != .pod || stream.namespace != pod.namespace || stream.name != pod.name { return false }
        if let streamKind, stream.kind != streamKind { return false }
        if let namespace, stream.namespace != namespace { return false }
        if let name, stream.name != name { return false }
        return true
    }
}
