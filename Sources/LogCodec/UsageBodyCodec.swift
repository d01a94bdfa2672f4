import StoreAPI
import VPAModel

/// The protobuf `UsageSampled` body (proto/vpa/store/v1/events.proto), written and read in Swift.
///
/// Usage samples are the bulk of the log (one per pod per minute). Through protobuf-c, each one
/// cost an arena of `malloc`ed messages and `strdup`ed names to encode and as many allocations to
/// unpack: the largest single cost of replay and of appending usage (profile in
/// docs/perf-store-readme.md). The bytes are the same protobuf message, byte for byte what
/// protobuf-c packs (fields in number order, every field present), so the README's recipe
/// (`protoc-c --decode=vpa.store.v1.UsageSampled`) and every older reader still read them.
///
/// Decoding takes the common layout (the fields of the message and of its containers, any order,
/// no unknown fields, names without NUL) and returns nil for anything else, which the caller hands
/// to protobuf-c: a body protobuf-c decodes one way never decodes another way here.
package enum UsageBodyCodec {
    /// The message protobuf-c packs for `sample`.
    package static func encode(_ sample: UsageSample) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(24 + sample.containers.reduce(0) { $0 + 26 + $1.name.utf8.count })
        appendVarint(0x08, to: &out)  // 1: at_ms, int64
        appendVarint(UInt64(bitPattern: sample.at.unixMilliseconds), to: &out)
        appendVarint(0x10, to: &out)  // 2: window_ms, int64
        appendVarint(UInt64(bitPattern: sample.windowMilliseconds), to: &out)
        for container in sample.containers {
            // protobuf-c reads a name as a C string: up to its first NUL.
            let name = container.name.utf8.prefix { $0 != 0 }
            let cpu = zigzag(container.cpuMillicores)
            let memory = zigzag(container.memoryBytes)
            let length = 1 + varintSize(UInt64(name.count)) + name.count + 1 + varintSize(cpu) + 1 + varintSize(memory)
            appendVarint(0x1A, to: &out)  // 3: containers, message
            appendVarint(UInt64(length), to: &out)
            appendVarint(0x0A, to: &out)  // Container 1: name, string
            appendVarint(UInt64(name.count), to: &out)
            out.append(contentsOf: name)
            appendVarint(0x10, to: &out)  // Container 2: cpu_millicores, sint64
            appendVarint(cpu, to: &out)
            appendVarint(0x18, to: &out)  // Container 3: memory_bytes, sint64
            appendVarint(memory, to: &out)
        }
        return out
    }

    /// The sample in `bytes` when they have the common layout; nil otherwise (protobuf-c decides).
    package static func decode(_ bytes: UnsafeRawBufferPointer) -> UsageSample? {
        var reader = ProtobufReader(bytes)
        var at: Int64 = 0
        var window: Int64 = 0
        var containers: [UsageSample.Container] = []
        while !reader.atEnd {
            guard let tag = reader.varint() else { return nil }
            switch tag {
            case 0x08:
                guard let value = reader.varint() else { return nil }
                at = Int64(bitPattern: value)
            case 0x10:
                guard let value = reader.varint() else { return nil }
                window = Int64(bitPattern: value)
            case 0x1A:
                guard let body = reader.lengthDelimited() else { return nil }
                var inner = ProtobufReader(body)
                guard let container = inner.usageContainer() else { return nil }
                containers.append(container)
            default:
                return nil
            }
        }
        return UsageSample(at: Timestamp(unixMilliseconds: at), windowMilliseconds: window, containers: containers)
    }

    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}

extension ProtobufReader {
    /// A `UsageSampled.Container` filling the rest of this reader; nil for any other layout.
    mutating func usageContainer() -> UsageSample.Container? {
        var name = ""
        var cpu: Int64 = 0
        var memory: Int64 = 0
        while !atEnd {
            guard let tag = varint() else { return nil }
            switch tag {
            case 0x0A:
                // A NUL ends a C string: protobuf-c's reading of it is the one to keep.
                guard let utf8 = lengthDelimited(), !utf8.contains(0) else { return nil }
                name = String(decoding: utf8, as: UTF8.self)
            case 0x10:
                guard let value = varint() else { return nil }
                cpu = Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
            case 0x18:
                guard let value = varint() else { return nil }
                memory = Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
            default:
                return nil
            }
        }
        return UsageSample.Container(name: name, cpuMillicores: cpu, memoryBytes: memory)
    }
}
