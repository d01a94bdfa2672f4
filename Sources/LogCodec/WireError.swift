import StoreAPI
import VPAModel

/// Why bytes could not be turned into a value.
public enum WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The event type number is not one this binary knows (a newer writer, or a damaged row).
    case unknownEventType(Int32)
    /// The body is not a valid protobuf message of the type its row names.
    case malformedBody(EventType, byteCount: Int)
    /// A field holds a value outside its allowed range (an enum number this binary does not know).
    case invalidField(EventType, field: String)
    /// Bytes that should hold a protocol message (a frame or an RPC payload) are not a valid
    /// protobuf encoding of it.
    case malformedMessage(String, byteCount: Int)
    /// A message decoded, but one of its fields holds a value the protocol does not allow.
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .unknownEventType(let number):
            "event type \(number) is not known to this vpa-store; upgrade vpa-store to read this log"
        case .malformedBody(let type, let count):
            "the \(count)-byte body of a \(type.name) event is not a valid protobuf message; the log is damaged"
        case .invalidField(let type, let field):
            "field \(field) of a \(type.name) event has a value this vpa-store does not know; upgrade vpa-store"
        case .malformedMessage(let name, let count):
            "the \(count) bytes are not a valid protobuf \(name) message"
        case .invalidValue(let field, let reason):
            "field \(field): \(reason)"
        }
    }
}
