import CStoreProto

/// A protobuf message as a tree of fields, parsed with protobuf-c's descriptors, so a test can set
/// any integer field anywhere in a real request to any value and encode it again: values no Swift
/// encoder of the project would ever write.
struct ProtoTree {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes([UInt8])
        case message(ProtoTree)
    }

    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    var fields: [(number: UInt32, value: Value)] = []

    /// One integer (or floating-point) field of one message node: where to set a value.
    struct Slot: CustomStringConvertible {
        /// Indices into `fields` leading to the node, each a `.message`.
        var path: [Int]
        var number: UInt32
        var type: ProtobufCType
        var name: String
        var description: String { "\(name) (field \(number))" }
    }

    init(descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.descriptor = descriptor
    }

    /// Parses well-formed bytes of the message `descriptor` describes.
    init(parsing bytes: ArraySlice<UInt8>, descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.descriptor = descriptor
        var index = bytes.startIndex
        func varint() -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while index < bytes.endIndex {
            let tag = varint()
            let number = UInt32(tag >> 3)
            switch tag & 7 {
            case 0: fields.append((number, .varint(varint())))
            case 1:
                fields.append((number, .fixed64(bytes[index..<index + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) })))
                index += 8
            case 5:
                fields.append((number, .fixed32(bytes[index..<index + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })))
                index += 4
            default:
                let length = Int(varint())
                let body = bytes[index..<index + length]
                index += length
                if let field = protobuf_c_message_descriptor_get_field(descriptor, number),
                   field.pointee.type == PROTOBUF_C_TYPE_MESSAGE,
                   let nested = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) {
                    fields.append((number, .message(ProtoTree(parsing: body, descriptor: nested))))
                } else {
                    fields.append((number, .bytes(Array(body))))
                }
            }
        }
    }

    /// Every numeric field of every message node present in the tree (absent fields included).
    var slots: [Slot] {
        var result: [Slot] = []
        collectSlots(prefix: [], name: String(cString: descriptor.pointee.name), into: &result)
        return result
    }

    private func collectSlots(prefix: [Int], name: String, into result: inout [Slot]) {
        for i in 0..<Int(descriptor.pointee.n_fields) {
            let field = descriptor.pointee.fields[i]
            if Self.numericTypes.contains(field.type) {
                result.append(Slot(path: prefix, number: field.id, type: field.type, name: "\(name).\(String(cString: field.name))"))
            }
        }
        for (index, field) in fields.enumerated() {
            guard case .message(let nested) = field.value,
                  let descriptor = protobuf_c_message_descriptor_get_field(descriptor, field.number) else { continue }
            nested.collectSlots(prefix: prefix + [index], name: "\(name).\(String(cString: descriptor.pointee.name))[\(index)]",
                                into: &result)
        }
    }

    static let numericTypes: [ProtobufCType] = [
        PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_INT64,
        PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32,
        PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_FLOAT, PROTOBUF_C_TYPE_DOUBLE,
        PROTOBUF_C_TYPE_ENUM,
    ]

    /// A copy with the slot's field set to `value` (its bit pattern; a floating-point field gets the
    /// value `double` instead), replacing every occurrence the node had.
    func setting(_ slot: Slot, to value: Int64, double: Double) -> ProtoTree {
        var copy = self
        copy.set(slot, at: slot.path[...], value: value, double: double)
        return copy
    }

    private mutating func set(_ slot: Slot, at path: ArraySlice<Int>, value: Int64, double: Double) {
        if let first = path.first {
            guard case .message(var nested) = fields[first].value else { return }
            nested.set(slot, at: path.dropFirst(), value: value, double: double)
            fields[first].value = .message(nested)
            return
        }
        fields.removeAll { $0.number == slot.number }
        let encoded: Value
        switch slot.type {
        case PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SINT64:
            encoded = .varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
        case PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_FIXED32:
            encoded = .fixed32(UInt32(truncatingIfNeeded: value))
        case PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_FIXED64:
            encoded = .fixed64(UInt64(bitPattern: value))
        case PROTOBUF_C_TYPE_FLOAT:
            encoded = .fixed32(Float(double).bitPattern)
        case PROTOBUF_C_TYPE_DOUBLE:
            encoded = .fixed64(double.bitPattern)
        default:
            encoded = .varint(UInt64(bitPattern: value))
        }
        fields.append((slot.number, encoded))
    }

    /// The protobuf encoding.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                out.append(UInt8(value & 0x7f) | 0x80)
                value >>= 7
            }
            out.append(UInt8(value))
        }
        for (number, value) in fields {
            switch value {
            case .varint(let v):
                varint(UInt64(number) << 3)
                varint(v)
            case .fixed64(let v):
                varint(UInt64(number) << 3 | 1)
                for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
            case .fixed32(let v):
                varint(UInt64(number) << 3 | 5)
                for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
            case .bytes(let bytes):
                varint(UInt64(number) << 3 | 2)
                varint(UInt64(bytes.count))
                out += bytes
            case .message(let nested):
                let bytes = nested.encoded
                varint(UInt64(number) << 3 | 2)
                varint(UInt64(bytes.count))
                out += bytes
            }
        }
        return out
    }
}
