import CStoreProto
import VPAModel

// ReadEvents and Watch.

extension ReadEventsRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__read_events_request__init)
        m.pointee.from_position = fromPosition
        m.pointee.limit = UInt32(clamping: limit)
        m.pointee.selector = encodeSelector(selector, arena)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ReadEventsRequest", vpa__store__v1__read_events_request__unpack,
                                 vpa__store__v1__read_events_request__free_unpacked) { (m) throws(WireError) in
            guard m.limit <= ReadEventsRequest.maximumLimit else {
                throw .invalidValue(field: "ReadEventsRequest.limit",
                                    reason: "\(m.limit) is above the largest page, \(ReadEventsRequest.maximumLimit)")
            }
            return ReadEventsRequest(fromPosition: try nonNegative(m.from_position, field: "ReadEventsRequest.from_position"),
                                     limit: m.limit == 0 ? 1000 : Int(m.limit),
                                     selector: try decodeSelector(m.selector, field: "ReadEventsRequest.selector"))
        }
    }
}

extension WatchRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__watch_request__init)
        m.pointee.from_position = fromPosition ?? 0
        m.pointee.selector = encodeSelector(selector, arena)
        m.pointee.progress_interval_ms = progressIntervalMilliseconds ?? 0
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.WatchRequest", vpa__store__v1__watch_request__unpack,
                                 vpa__store__v1__watch_request__free_unpacked) { (m) throws(WireError) in
            let from = try nonNegative(m.from_position, field: "WatchRequest.from_position")
            return WatchRequest(fromPosition: from == 0 ? nil : from,
                                selector: try decodeSelector(m.selector, field: "WatchRequest.selector"),
                                progressIntervalMilliseconds: m.progress_interval_ms == 0 ? nil : m.progress_interval_ms)
        }
    }
}

extension EventPage: WireMessage {
    /// Encoded as a WatchResponse, which has the same fields with the same numbers as
    /// ReadEventsResponse, so one encoding serves both.
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__watch_response__init)
        let rows = events.map { ViewCodec.encode($0, arena) }
        m.pointee.n_events = rows.count
        m.pointee.events = arena.pointerArray(rows)
        m.pointee.next_position = nextPosition
        m.pointee.head_position = headPosition
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.WatchResponse", vpa__store__v1__watch_response__unpack,
                                 vpa__store__v1__watch_response__free_unpacked) { (m) throws(WireError) in
            EventPage(events: try repeated(m.n_events, m.events) { (row, _) throws(WireError) in try ViewCodec.decode(row) },
                      nextPosition: m.next_position, headPosition: m.head_position)
        }
    }
}
