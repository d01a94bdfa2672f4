import LogCodec
import CStoreProto
import StoreAPI
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
        (m.pointee.n_events, m.pointee.events) = arena.repeated(events.map { ViewCodec.encode($0, arena) })
        m.pointee.next_position = nextPosition
        m.pointee.head_position = headPosition
        return packMessage(m)
    }

    /// One event as an encoded `LoggedEvent`, for `encoded(events:…)`: a server that sends the
    /// same event to many watchers encodes it once.
    public static func encodedEvent(_ record: EventRecord) -> [UInt8] {
        // The arena owns the message's C memory: it must outlive the packing.
        let arena = CArena()
        return withExtendedLifetime(arena) { packMessage(ViewCodec.encode(record, arena)) }
    }

    /// A page whose events are already encoded `LoggedEvent`s (see `encodedEvent`), byte for byte
    /// what `encoded()` gives for the same page: field 1 (`events`, length-delimited) once per
    /// event, then fields 2 and 3 (`next_position`, `head_position`, varints), omitted when zero
    /// as proto3 does.
    public static func encoded(events: some Collection<[UInt8]>, nextPosition: Int64, headPosition: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.reduce(24) { $0 + $1.count + 6 })
        func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        for event in events {
            bytes.append(0x0A)  // field 1, wire type 2
            varint(UInt64(event.count))
            bytes.append(contentsOf: event)
        }
        if nextPosition != 0 {
            bytes.append(0x10)  // field 2, wire type 0
            varint(UInt64(bitPattern: nextPosition))
        }
        if headPosition != 0 {
            bytes.append(0x18)  // field 3, wire type 0
            varint(UInt64(bitPattern: headPosition))
        }
        return bytes
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.WatchResponse", vpa__store__v1__watch_response__unpack,
                                 vpa__store__v1__watch_response__free_unpacked) { (m) throws(WireError) in
            EventPage(events: try repeated(m.n_events, m.events) { (row, _) throws(WireError) in try ViewCodec.decode(row) },
                      nextPosition: m.next_position, headPosition: m.head_position)
        }
    }
}

/// Only the positions and commit times of a page's events, read without decoding their bodies:
/// for a watcher that measures delivery (such as `vpa-store bench`), not one that acts on events.
public struct EventPageTimes: Sendable {
    public var positions: [Int64] = []
    /// Each event's `recorded_at`, unix ms.
    public var recordedAt: [Int64] = []
    public var nextPosition: Int64 = 0
    public var headPosition: Int64 = 0

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.WatchResponse", vpa__store__v1__watch_response__unpack,
                                 vpa__store__v1__watch_response__free_unpacked) { m in
            var times = EventPageTimes()
            times.nextPosition = m.next_position
            times.headPosition = m.head_position
            for index in 0..<m.n_events {
                guard let event = m.events[index]?.pointee else { continue }
                times.positions.append(event.position)
                times.recordedAt.append(event.recorded_at_ms)
            }
            return times
        }
    }

    init() {}
}
