import StoreAPI
import LogCodec
import VPAModel

/// Conditions on a write (DESIGN §4): an expected head position (optimistic concurrency) and an
/// idempotency key whose answer is stored with the batch.
public struct WriteCondition<Result> {
    /// Write only if the log's head is exactly this position (`StoreError.headMoved` otherwise).
    public var expectedHead: Int64?
    public var idempotency: IdempotentAnswer<Result>?

    public init(expectedHead: Int64? = nil, idempotency: IdempotentAnswer<Result>? = nil) {
        self.expectedHead = expectedHead
        self.idempotency = idempotency
    }

    var isUnconditional: Bool { expectedHead == nil && idempotency == nil }
}

/// An idempotency key and how to encode the answer a retry with the same key gets back.
public struct IdempotentAnswer<Result> {
    public var key: String
    /// The method the key was used with; a key reused for another method is refused.
    public var method: String
    /// The answer to store, from the write's result and the head after it.
    public var encode: (Result, _ head: Int64) -> [UInt8]

    public init(key: String, method: String, encode: @escaping (Result, _ head: Int64) -> [UInt8]) {
        self.key = key
        self.method = method
        self.encode = encode
    }
}

/// What an append of client events did.
public struct AppendResult: Hashable, Sendable {
    public var firstPosition: Int64
    public var lastPosition: Int64
}

extension EventStore {
    /// The answer stored for an earlier write with this idempotency key, or nil for a new key.
    /// Throws when the key was used with another method, or (once in 2^63) hashes like another key.
    public func storedAnswer(idempotencyKey key: String, method: String) throws(StoreError) -> [UInt8]? {
        try wrap {
            var answer: [UInt8]?
            var conflict: StoreError?
            try statement("SELECT key, method, response FROM idempotency_keys WHERE key_hash = ?")
                .forEachRow([.int(Projection.stableKeyHash(key))]) { row in
                    if row.text(0) != key {
                        conflict = .invalidArgument("idempotency key \"\(key)\" collides with another stored key; use a different key")
                    } else if row.text(1) != method {
                        conflict = .invalidArgument("idempotency key \"\(key)\" was already used for \(row.text(1)); use a new key for \(method)")
                    } else {
                        answer = row.blob(2)
                    }
                }
            if let conflict { throw conflict }
            return answer
        }
    }

    /// Appends client-authored events (today: the updater's `ResizeRequested`) in one transaction.
    public func append(_ events: [AppendEvent], recordedAt: Timestamp = .now,
                       condition: WriteCondition<AppendResult> = .init()) throws(StoreError) -> AppendResult {
        guard access == .readWrite else { throw .invalidArgument("the store was opened read-only") }
        guard !events.isEmpty else { throw .invalidArgument("no events to append") }
        var streams: [Int64] = []
        for (index, event) in events.enumerated() {
            if event.body.isVPAEvent {
                guard let streamID = projection.streamByKey["vpa:\(event.vpaKey)"], projection.vpas[streamID] != nil else {
                    throw .notFound("AppendRequest.events[\(index)].vpa_key: no VPA \"\(event.vpaKey)\" in the store")
                }
                streams.append(streamID)
                continue
            }
            guard let streamID = projection.streamByKey[event.podKey] ?? projection.liveStreamByName[event.podKey] else {
                throw .notFound("AppendRequest.events[\(index)].pod_key: no pod with UID or namespace/name \"\(event.podKey)\" in the store")
            }
            streams.append(streamID)
        }
        try checkExpectedHead(condition.expectedHead)
        return try transaction { writer in
            var positions: [Int64] = []
            for (event, streamID) in zip(events, streams) {
                positions.append(try writer.append(event.body.eventBody, stream: streamID, at: event.occurredAt ?? recordedAt,
                                                   recordedAt: recordedAt, causedBy: nil))
            }
            let result = AppendResult(firstPosition: positions.first!, lastPosition: positions.last!)
            try recordAnswer(condition.idempotency, result, recordedAt: recordedAt)
            return result
        }
    }

    func checkExpectedHead(_ expected: Int64?) throws(StoreError) {
        if let expected, expected != projection.position {
            throw .headMoved(expected: expected, actual: projection.position)
        }
    }

    /// Stores the answer to an idempotent write, inside the write's transaction.
    func recordAnswer<Result>(_ idempotency: IdempotentAnswer<Result>?, _ result: Result, recordedAt: Timestamp) throws {
        guard let idempotency else { return }
        try statement("""
            INSERT INTO idempotency_keys (key_hash, key, method, position, recorded_at, response) VALUES (?, ?, ?, ?, ?, ?)
            """).run([.int(Projection.stableKeyHash(idempotency.key)), .text(idempotency.key), .text(idempotency.method),
                      .int(projection.position), .int(recordedAt.unixMilliseconds),
                      .blob(idempotency.encode(result, projection.position))])
    }

    /// The first position still in the log (1, or the head + 1 of an empty log, until retention cuts it).
    public func firstPosition() throws(StoreError) -> Int64 {
        try wrap {
            var first: Int64?
            try statement("SELECT min(position) FROM events").forEachRow { row in first = row.optionalInt(0) }
            return first ?? projection.position + 1
        }
    }

    /// How many events the log holds (fewer than the head position once usage retention removed some).
    public func eventCount() throws(StoreError) -> Int64 {
        try wrap { try connection.scalarInt("SELECT count(*) FROM events") ?? 0 }
    }

    /// The owner references of the pod a stream key (UID or namespace/name) names, from its latest observation.
    public func owners(ofPod namespace: String, _ name: String, uid: String) -> [OwnerReference] {
        let key = uid.isEmpty ? PodKey(namespace: namespace, name: name).description : uid
        guard let streamID = projection.streamByKey[key] ?? projection.liveStreamByName[PodKey(namespace: namespace, name: name).description] else { return [] }
        return projection.pods[streamID]?.observation?.owners ?? []
    }
}
