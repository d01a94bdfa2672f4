import LogCodec
import StoreAPI
/// One frame of the vpa-store protocol (proto/vpa/store/v1/frame.proto), as a Swift value.
///
/// On the wire a frame is a 4-byte big-endian length and the protobuf `Frame` that `FrameCodec`
/// produces; the length prefix belongs to the transport (StoreRPC).
public struct Frame: Hashable, Sendable {
    /// The call the frame belongs to; 0 for connection-level frames.
    public var callID: UInt64
    public var kind: Kind

    public init(callID: UInt64, _ kind: Kind) {
        self.callID = callID
        self.kind = kind
    }

    public enum Kind: Hashable, Sendable {
        case hello(Hello)
        case welcome(Welcome)
        case request(Request)
        /// One response message of a call: the encoded response.
        case message([UInt8])
        /// The end of a call (or the refusal of a handshake, on call 0).
        case status(RPCStatus)
        case cancel
        case ping(UInt64)
        case pong(UInt64)
        case goAway(lastCallID: UInt64, reason: String)
    }

    /// The protocol version this binary speaks.
    public static let protocolVersion: UInt32 = 1

    /// The client's handshake.
    public struct Hello: Hashable, Sendable {
        public var protocolVersion: UInt32
        public var peerName: String
        public var token: String

        public init(protocolVersion: UInt32 = Frame.protocolVersion, peerName: String, token: String = "") {
            self.protocolVersion = protocolVersion
            self.peerName = peerName
            self.token = token
        }
    }

    /// The server's handshake.
    public struct Welcome: Hashable, Sendable {
        public var protocolVersion: UInt32
        public var serverVersion: String
        public var storeID: String
        public var headPosition: Int64
        public var maxFrameBytes: UInt32

        public init(protocolVersion: UInt32 = Frame.protocolVersion, serverVersion: String, storeID: String,
                    headPosition: Int64, maxFrameBytes: UInt32) {
            self.protocolVersion = protocolVersion
            self.serverVersion = serverVersion
            self.storeID = storeID
            self.headPosition = headPosition
            self.maxFrameBytes = maxFrameBytes
        }
    }

    /// The start of a call.
    public struct Request: Hashable, Sendable {
        /// "/vpa.store.v1.Store/GetActualResources".
        public var method: String
        /// Relative deadline; 0 = none.
        public var timeoutMilliseconds: UInt64
        public var metadata: [Metadata]
        public var payload: [UInt8]

        public init(method: String, timeoutMilliseconds: UInt64 = 0, metadata: [Metadata] = [], payload: [UInt8]) {
            self.method = method
            self.timeoutMilliseconds = timeoutMilliseconds
            self.metadata = metadata
            self.payload = payload
        }
    }

    public struct Metadata: Hashable, Sendable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }
}
