import LogCodec
import StoreAPI
/// The methods of the `vpa.store.v1.Store` service (proto/vpa/store/v1/store.proto).
public enum StoreMethod: String, CaseIterable, Hashable, Sendable {
    case getServerInfo = "/vpa.store.v1.Store/GetServerInfo"
    case checkHealth = "/vpa.store.v1.Store/CheckHealth"
    case append = "/vpa.store.v1.Store/Append"
    case ingest = "/vpa.store.v1.Store/Ingest"
    case getActualResources = "/vpa.store.v1.Store/GetActualResources"
    case getResizeState = "/vpa.store.v1.Store/GetResizeState"
    case listResizes = "/vpa.store.v1.Store/ListResizes"
    case listOOMKills = "/vpa.store.v1.Store/ListOomKills"
    case readEvents = "/vpa.store.v1.Store/ReadEvents"
    case watch = "/vpa.store.v1.Store/Watch"
    case listVPAs = "/vpa.store.v1.Store/ListVpas"
    case listPods = "/vpa.store.v1.Store/ListPods"
    case backup = "/vpa.store.v1.Store/Backup"

    /// The method's name without the service ("GetActualResources"), for logs and metric labels.
    public var shortName: String { String(rawValue.split(separator: "/").last ?? "") }

    /// Whether the method answers with a stream of messages rather than exactly one.
    public var isStreaming: Bool { self == .watch || self == .backup }
}

/// A request or response message of the Store service, with its protobuf encoding.
public protocol WireMessage: Sendable {
    /// The protobuf encoding.
    func encoded() -> [UInt8]
    /// Decodes and validates the message; an error names the offending field.
    init(decoding bytes: [UInt8]) throws(WireError)
}
