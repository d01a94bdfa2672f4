import StoreAPI
import LogCodec
import VPAModel

/// The snapshot row of one pod, in a compact binary form: the observation and the last resize
/// request as the log's own protobuf bodies (libprotobuf-c), everything else as varints and
/// length-prefixed strings. The server rewrites the rows of every changed pod at each snapshot, and
/// JSON through `Codable` cost more than the appends it followed; this costs a few microseconds.
///
/// Layout (version 2): `02`, stream id, head, live, observation?, observed-at?, resize record (enums by raw value),
/// container ids (by key), open history rows (by container id), last resize request?, last VPA
/// resize completed-at?. `?` is a presence byte then the value. Integers are zigzag varints. A row
/// that starts with `{` is a JSON row from an older binary and is read as JSON.
enum PodStateCodec {
    static let version: UInt8 = 2

    static func encode(_ state: PodState) -> [UInt8] {
        var out = ByteWriter()
        out.byte(version)
        out.int(state.streamID)
        out.int(state.head)
        out.bool(state.live)
        out.optional(state.observation) { out, pod in out.bytes(EventCodec.encode(.podObserved(pod))) }
        out.optional(state.observedAt) { out, at in out.int(at.unixMilliseconds) }
        out.raw(state.resize.state)
        out.optional(state.resize.since) { out, at in out.int(at.unixMilliseconds) }
        out.raw(state.resize.initiator)
        out.string(state.resize.reason)
        out.string(state.resize.message)
        out.bool(state.resize.awaitingKubelet)
        out.int(Int64(state.containerIDs.count))
        for (key, id) in state.containerIDs.map({ ($0.key.text, $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            out.string(key)
            out.int(id)
        }
        out.int(Int64(state.openHistory.count))
        for (_, row) in state.openHistory.sorted(by: { $0.key < $1.key }) {
            out.int(row.containerID)
            out.int(row.fromPosition)
            out.int(row.validFrom.unixMilliseconds)
            out.requirements(row.values.actual)
            out.requirements(row.values.desired)
            out.raw(row.values.source)
        }
        out.optional(state.lastResizeRequest) { out, request in out.bytes(EventCodec.encode(.resizeRequested(request))) }
        out.optional(state.lastVPAResizeCompletedAt) { out, at in out.int(at.unixMilliseconds) }
        return out.buffer
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> PodState {
        var input = ByteReader(bytes)
        guard try input.byte() == version else { throw SnapshotError("pod snapshot row has an unknown version") }
        var state = PodState(streamID: try input.int())
        state.head = try input.int()
        state.live = try input.bool()
        state.observation = try input.optional {
            guard case .podObserved(let pod) = try $0.body(.podObserved) else { throw SnapshotError("pod snapshot row: not a PodObserved") }
            return pod
        }
        state.observedAt = try input.optional { Timestamp(unixMilliseconds: try $0.int()) }
        state.resize.state = try input.element(of: ResizeState.self)
        state.resize.since = try input.optional { Timestamp(unixMilliseconds: try $0.int()) }
        state.resize.initiator = try input.element(of: ResizeInitiator.self)
        state.resize.reason = try input.string()
        state.resize.message = try input.string()
        state.resize.awaitingKubelet = try input.bool()
        for _ in 0..<(try input.count()) {
            let text = try input.string()
            guard let key = ContainerKey(text: text) else {
                throw SnapshotError("pod snapshot row: container key \"\(text)\" is not type/name")
            }
            state.containerIDs[key] = try input.int()
        }
        for _ in 0..<(try input.count()) {
            let containerID = try input.int()
            let fromPosition = try input.int()
            let validFrom = Timestamp(unixMilliseconds: try input.int())
            let values = ContainerResources(actual: try input.requirements(), desired: try input.requirements(),
                                            source: try input.element(of: ResourceSource.self))
            state.openHistory[containerID] = OpenHistoryRow(containerID: containerID, fromPosition: fromPosition,
                                                            validFrom: validFrom, values: values)
        }
        state.lastResizeRequest = try input.optional {
            guard case .resizeRequested(let request) = try $0.body(.resizeRequested) else {
                throw SnapshotError("pod snapshot row: not a ResizeRequested")
            }
            return request
        }
        state.lastVPAResizeCompletedAt = try input.optional { Timestamp(unixMilliseconds: try $0.int()) }
        guard input.isAtEnd else { throw SnapshotError("pod snapshot row has \(input.remaining) bytes after its end") }
        return state
    }
}

extension PodStateCodec {
    /// Every pod's newest usage sample, as (stream, window end, position) triples in stream order.
    static func encodeUsageMarks(_ marks: [Int64: UsageMark]) -> [UInt8] {
        var out = ByteWriter()
        out.byte(version)
        out.int(Int64(marks.count))
        for (streamID, mark) in marks.sorted(by: { $0.key < $1.key }) {
            out.int(streamID)
            out.int(mark.at.unixMilliseconds)
            out.int(mark.position)
        }
        return out.buffer
    }

    static func decodeUsageMarks(_ bytes: UnsafeRawBufferPointer) throws -> [Int64: UsageMark] {
        var input = ByteReader(bytes)
        guard try input.byte() == version else { throw SnapshotError("usage snapshot row has an unknown version") }
        let count = try input.count()
        var marks: [Int64: UsageMark] = [:]
        marks.reserveCapacity(count)
        for _ in 0..<count {
            let streamID = try input.int()
            marks[streamID] = UsageMark(at: Timestamp(unixMilliseconds: try input.int()), position: try input.int())
        }
        guard input.isAtEnd else { throw SnapshotError("usage snapshot row has \(input.remaining) bytes after its end") }
        return marks
    }
}

/// A snapshot this binary cannot read; `vpa-store replay` rebuilds it from the log.
struct SnapshotError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description + "; run `vpa-store replay` to rebuild the snapshot" }
}

private struct ByteWriter {
    var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(512) }

    mutating func byte(_ value: UInt8) { buffer.append(value) }
    mutating func bool(_ value: Bool) { buffer.append(value ? 1 : 0) }

    mutating func int(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        buffer.append(UInt8(zigzag))
    }

    mutating func bytes(_ value: [UInt8]) {
        int(Int64(value.count))
        buffer.append(contentsOf: value)
    }

    mutating func string(_ value: String) { bytes(Array(value.utf8)) }

    /// An enum by its raw value, so adding or reordering cases never changes what a row means.
    mutating func raw<T: RawRepresentable>(_ value: T) where T.RawValue == String { string(value.rawValue) }

    mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
        guard let value else { return bool(false) }
        bool(true)
        write(&self, value)
    }

    mutating func requirements(_ value: ResourceRequirements) {
        for part in [value.requests.cpuMillicores, value.requests.memoryBytes, value.limits.cpuMillicores, value.limits.memoryBytes] {
            optional(part) { out, number in out.int(number) }
        }
    }
}

private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw SnapshotError("pod snapshot row is cut short") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bool() throws -> Bool { try byte() != 0 }

    mutating func int() throws -> Int64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw SnapshotError("pod snapshot row has an overlong integer") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { break }
            shift += 7
        }
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    mutating func count() throws -> Int {
        let value = try int()
        guard value >= 0, value <= remaining else { throw SnapshotError("pod snapshot row has a bad length") }
        return Int(value)
    }

    mutating func slice() throws -> UnsafeRawBufferPointer {
        let length = try count()
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
    }

    mutating func string() throws -> String { String(decoding: try slice(), as: UTF8.self) }

    mutating func body(_ type: EventType) throws -> EventBody { try EventCodec.decode(type: type, bytes: try slice()) }

    mutating func element<T: RawRepresentable>(of type: T.Type) throws -> T where T.RawValue == String {
        let raw = try string()
        guard let value = T(rawValue: raw) else { throw SnapshotError("pod snapshot row has an unknown \(T.self) \"\(raw)\"") }
        return value
    }

    mutating func optional<T>(_ read: (inout ByteReader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    mutating func requirements() throws -> ResourceRequirements {
        let parts = try (0..<4).map { _ in try optional { try $0.int() } }
        return ResourceRequirements(requests: ResourceList(cpuMillicores: parts[0], memoryBytes: parts[1]),
                                    limits: ResourceList(cpuMillicores: parts[2], memoryBytes: parts[3]))
    }
}
