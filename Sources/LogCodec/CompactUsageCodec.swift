import StoreAPI
import VPAModel

/// The store's compact body for `UsageSampled`, the bulk of the log (one per pod per minute).
///
/// The protobuf body goes through protobuf-c: an arena of `malloc`ed messages and `strdup`ed names
/// to encode, and as many allocations to unpack, per event — the largest single cost of replay and
/// of appending usage (profile in docs/perf-store-readme.md). This format is read and written in
/// Swift without a C message graph, and is smaller.
///
/// Layout (varints are LEB128; signed values zigzag-coded as protobuf's `sint64`):
///
///     0x00 0x01                    marker, version
///     sint64 at_ms                 end of the window
///     sint64 window_ms
///     uint64 count                 containers
///     count × (uint64 length, UTF-8 name, sint64 cpu_millicores, sint64 memory_bytes)
///
/// A protobuf message never starts with 0x00 (field number 0 is invalid), so `EventCodec.decode`
/// tells the two apart by the first byte, and bodies written before this format stay readable.
/// The RPC wire keeps the protobuf body: `EventCodec.encode` is unchanged, only the store writes
/// this one (`EventCodec.encodeForStore`).
package enum CompactUsageCodec {
    static let marker: UInt8 = 0x00
    static let version: UInt8 = 0x01

    /// True when `bytes` is a compact body (of any version) rather than a protobuf one.
    package static func isCompact(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.first == marker
    }

    package static func encode(_ sample: UsageSample) -> [UInt8] {
        var out: [UInt8] = []
        // marker, version, three varints of at most 10 bytes, and per container 5 + name + 20.
        out.reserveCapacity(32 + sample.containers.reduce(0) { $0 + 25 + $1.name.utf8.count })
        out.append(marker)
        out.append(version)
        appendVarint(zigzag(sample.at.unixMilliseconds), to: &out)
        appendVarint(zigzag(sample.windowMilliseconds), to: &out)
        appendVarint(UInt64(sample.containers.count), to: &out)
        for container in sample.containers {
            var name = container.name
            name.withUTF8 { utf8 in
                appendVarint(UInt64(utf8.count), to: &out)
                out.append(contentsOf: utf8)
            }
            appendVarint(zigzag(container.cpuMillicores), to: &out)
            appendVarint(zigzag(container.memoryBytes), to: &out)
        }
        return out
    }

    package static func decode(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> UsageSample {
        var reader = Reader(bytes: bytes)
        guard reader.byte() == marker, let version = reader.byte() else {
            throw .malformedBody(.usageSampled, byteCount: bytes.count)
        }
        // A newer binary's format: say so rather than misread it.
        guard version == Self.version else { throw .invalidField(.usageSampled, field: "compact body version") }
        guard let at = reader.signed(), let window = reader.signed(), let count = reader.unsigned(),
              count <= UInt64(bytes.count) else {
            throw .malformedBody(.usageSampled, byteCount: bytes.count)
        }
        var containers: [UsageSample.Container] = []
        containers.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let name = reader.string(), let cpu = reader.signed(), let memory = reader.signed() else {
                throw .malformedBody(.usageSampled, byteCount: bytes.count)
            }
            containers.append(UsageSample.Container(name: name, cpuMillicores: cpu, memoryBytes: memory))
        }
        guard reader.atEnd else { throw .malformedBody(.usageSampled, byteCount: bytes.count) }
        return UsageSample(at: Timestamp(unixMilliseconds: at), windowMilliseconds: window, containers: containers)
    }

    /// The window end and length of a compact body, for `verify`'s range check; nil when they cannot
    /// be read.
    package static func times(_ bytes: UnsafeRawBufferPointer) -> (at: Int64, window: Int64)? {
        var reader = Reader(bytes: bytes)
        guard reader.byte() == marker, reader.byte() == version, let at = reader.signed(),
              let window = reader.signed() else { return nil }
        return (at, window)
    }

    /// The body the store writes for `body`: the compact format for a usage sample, the protobuf
    /// message (`EventCodec.encode`) for every other type.
    package static func storedBody(_ body: EventBody) -> [UInt8] {
        if case .usageSampled(let sample) = body { return encode(sample) }
        return EventCodec.encode(body)
    }

    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// Reads a compact body front to back; every read is bounds-checked and returns nil past the end.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func unsigned() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while shift < 64 {
                guard let byte = byte() else { return nil }
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
            return nil
        }

        mutating func signed() -> Int64? {
            guard let raw = unsigned() else { return nil }
            return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        }

        mutating func string() -> String? {
            guard let length = unsigned(), length <= UInt64(bytes.count - offset) else { return nil }
            let start = offset
            offset += Int(length)
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        }
    }
}
