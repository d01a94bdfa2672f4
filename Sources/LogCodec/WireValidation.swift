import CStoreProto
import StoreAPI
import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What protobuf-c's unpack lets through but the domain cannot take, checked on the message's own
/// bytes with its descriptor, so every field of every message is covered without a list to keep in
/// step with proto/:
/// - a string holding a NUL byte: protobuf-c hands strings over NUL-terminated, so `"a\0b"` would
///   silently read as `"a"` (two pod names could collide, a token with junk after it would pass);
/// - a time or a duration (by the protocol's naming rule, every such field ends in `_ms`) outside
///   `Timestamp.validRange`, which the domain's arithmetic could not compute with.
///
/// Success costs one pass over the bytes and allocates nothing; the field's path is built only for
/// the error.
package enum WireValidation {
    /// What to check beyond protobuf-c's own decoding.
    package enum Checks {
        /// Nothing: bytes this process wrote itself (the log's bodies).
        case none
        /// Strings only: frames, whose numbers are connection bookkeeping rather than domain values.
        case strings
        /// Strings and times: the payload of every request.
        case stringsAndTimes
    }

    /// Throws `invalidValue` naming the first offending field, as `Message.field[index].field`.
    package static func validate(_ bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
                         checkingTimes: Bool) throws(WireError) {
        guard let problem = firstProblem(bytes, descriptor, checkingTimes: checkingTimes) else { return }
        let name = String(cString: descriptor.pointee.name)
        throw .invalidValue(field: name + problem.path, reason: problem.reason)
    }

    private struct Problem {
        var path: String
        var reason: String
    }

    private static func firstProblem(_ bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
                                     checkingTimes: Bool) -> Problem? {
        var reader = ProtobufReader(bytes)
        while let (number, wireType, tagOffset) = reader.nextTag() {
            let field = protobuf_c_message_descriptor_get_field(descriptor, number)
            switch wireType {
            case 0:
                guard let value = reader.varint() else { return nil }
                if checkingTimes, let field, let reason = timeProblem(value, field) {
                    return Problem(path: fieldPath(field, bytes, before: tagOffset), reason: reason)
                }
            case 1:
                guard reader.skip(8) else { return nil }
            case 5:
                guard reader.skip(4) else { return nil }
            case 2:
                guard let body = reader.lengthDelimited() else { return nil }
                guard let field else { continue }
                if let problem = nestedProblem(body, field, checkingTimes: checkingTimes) {
                    return Problem(path: fieldPath(field, bytes, before: tagOffset) + problem.path, reason: problem.reason)
                }
            default:
                return nil  // Not protobuf; unpack has already refused it.
            }
        }
        return nil
    }

    /// A problem inside a length-delimited field: a string's bytes, a message, or packed scalars.
    private static func nestedProblem(_ body: UnsafeRawBufferPointer, _ field: UnsafePointer<ProtobufCFieldDescriptor>,
                                      checkingTimes: Bool) -> Problem? {
        switch field.pointee.type {
        case PROTOBUF_C_TYPE_STRING:
            guard body.contains(0) else { return nil }
            return Problem(path: "", reason: "contains a NUL byte (\\0), which no name, key or token may hold")
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let nested = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) else { return nil }
            return firstProblem(body, nested, checkingTimes: checkingTimes)
        case PROTOBUF_C_TYPE_BYTES:
            return nil
        default:
            // A packed repeated scalar.
            guard checkingTimes else { return nil }
            var reader = ProtobufReader(body)
            while !reader.atEnd {
                guard let value = reader.varint() else { return nil }
                if let reason = timeProblem(value, field) { return Problem(path: "", reason: reason) }
            }
            return nil
        }
    }

    /// Why a varint `value` of `field` is out of range, if the field is a time or duration.
    private static func timeProblem(_ value: UInt64, _ field: UnsafePointer<ProtobufCFieldDescriptor>) -> String? {
        guard isMilliseconds(field.pointee.name) else { return nil }
        let range = Timestamp.validRange
        let inRange: Bool
        switch field.pointee.type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_INT32:
            inRange = range.contains(Int64(bitPattern: value))
        case PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SINT32:
            inRange = range.contains(Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1))
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_UINT32:
            inRange = value <= UInt64(range.upperBound)
        default:
            return nil
        }
        guard !inRange else { return nil }
        let shown = field.pointee.type == PROTOBUF_C_TYPE_UINT64 || field.pointee.type == PROTOBUF_C_TYPE_UINT32
            ? "\(value)" : "\(Int64(bitPattern: value))"
        return "\(shown) ms is outside the range vpa-store computes with (\(range.lowerBound) to \(range.upperBound), "
            + "years 0000 to 9999)"
    }

    /// Whether a field's name ends in `_ms`: the protocol's mark of a time or duration in milliseconds.
    private static func isMilliseconds(_ name: UnsafePointer<CChar>) -> Bool {
        let length = strlen(name)
        return length >= 3 && name[length - 3] == 0x5f && name[length - 2] == 0x6d && name[length - 1] == 0x73
    }

    /// `.name`, or `.name[index]` for a repeated field, counting the field's occurrences before `offset`.
    private static func fieldPath(_ field: UnsafePointer<ProtobufCFieldDescriptor>, _ bytes: UnsafeRawBufferPointer,
                                  before offset: Int) -> String {
        let name = "." + String(cString: field.pointee.name)
        guard field.pointee.label == PROTOBUF_C_LABEL_REPEATED else { return name }
        var reader = ProtobufReader(bytes)
        var index = 0
        while let (number, wireType, tagOffset) = reader.nextTag(), tagOffset < offset {
            if number == field.pointee.id { index += 1 }
            guard reader.skipValue(wireType) else { break }
        }
        return name + "[\(index)]"
    }
}

/// Reads protobuf's wire format: tags, varints, length-delimited bodies. Every read is bounds-checked
/// and answers nil rather than reading past the end.
struct ProtobufReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var atEnd: Bool { offset >= bytes.count }

    /// The next field's number, wire type and the offset of its tag.
    package mutating func nextTag() -> (number: UInt32, wireType: UInt8, offset: Int)? {
        let start = offset
        guard !atEnd, let tag = varint() else { return nil }
        return (UInt32(truncatingIfNeeded: tag >> 3), UInt8(tag & 7), start)
    }

    package mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    package mutating func skip(_ count: Int) -> Bool {
        guard count <= bytes.count - offset else { return false }
        offset += count
        return true
    }

    package mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = varint(), length <= UInt64(bytes.count - offset) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return body
    }

    /// Skips the value of a field of `wireType`; false when it cannot be read.
    package mutating func skipValue(_ wireType: UInt8) -> Bool {
        switch wireType {
        case 0: varint() != nil
        case 1: skip(8)
        case 5: skip(4)
        case 2: lengthDelimited() != nil
        default: false
        }
    }
}
