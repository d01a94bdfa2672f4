/// One event as the log holds it.
public struct StoredEvent: Hashable, Sendable {
    /// Global commit order: ascending; gap-free except where usage retention removed a sample.
    public var position: Int64
    /// The stream (pod, or the store itself) the event belongs to.
    public var streamID: Int64
    /// The position of the previous event of the same stream, if any.
    public var streamPrevious: Int64?
    /// When it happened at the source (the observation time).
    public var occurredAt: Timestamp
    /// When the store appended it.
    public var recordedAt: Timestamp
    /// The event it was derived from, for derived events.
    public var causedBy: Int64?
    public var body: EventBody

    public init(position: Int64, streamID: Int64, streamPrevious: Int64?, occurredAt: Timestamp, recordedAt: Timestamp,
                causedBy: Int64?, body: EventBody) {
        self.position = position
        self.streamID = streamID
        self.streamPrevious = streamPrevious
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.causedBy = causedBy
        self.body = body
    }
}

/// What a stream is about.
public struct StreamInfo: Hashable, Sendable, Codable {
    public enum Kind: Int64, Sendable, Codable {
        /// Stream 1: events about the store itself (in-place mode).
        case store = 1
        /// A pod, by UID (or namespace/name).
        case pod = 2
        /// A VerticalPodAutoscaler, by `vpa:namespace/name`.
        case vpa = 3
        /// A LimitRange, by `limitrange:namespace/name`.
        case limitRange = 4
    }
    public var id: Int64
    public var kind: Kind
    public var key: String
    public var namespace: String
    public var name: String

    public init(id: Int64, kind: StreamInfo.Kind, key: String, namespace: String, name: String) {
        self.id = id
        self.kind = kind
        self.key = key
        self.namespace = namespace
        self.name = name
    }
}
