import LogCodec
import CStoreProto
import StoreAPI

/// Encodes and decodes `Frame`s as protobuf (without the length prefix).
public enum FrameCodec {
    /// The protobuf encoding of `frame`.
    public static func encode(_ frame: Frame) -> [UInt8] {
        let arena = CArena()
        let message = arena.message(vpa__store__v1__frame__init)
        message.pointee.call_id = frame.callID
        switch frame.kind {
        case .hello(let hello):
            let body = arena.message(vpa__store__v1__hello__init)
            body.pointee.protocol_version = hello.protocolVersion
            body.pointee.peer_name = arena.cString(hello.peerName)
            body.pointee.token = arena.cString(hello.token)
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_HELLO
            message.pointee.hello = body
        case .welcome(let welcome):
            let body = arena.message(vpa__store__v1__welcome__init)
            body.pointee.protocol_version = welcome.protocolVersion
            body.pointee.server_version = arena.cString(welcome.serverVersion)
            body.pointee.store_id = arena.cString(welcome.storeID)
            body.pointee.head_position = welcome.headPosition
            body.pointee.max_frame_bytes = welcome.maxFrameBytes
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_WELCOME
            message.pointee.welcome = body
        case .request(let request):
            let body = arena.message(vpa__store__v1__request__init)
            body.pointee.method = arena.cString(request.method)
            body.pointee.timeout_ms = request.timeoutMilliseconds
            let metadata = request.metadata.map { entry in
                let element = arena.message(vpa__store__v1__metadata__init)
                element.pointee.key = arena.cString(entry.key)
                element.pointee.value = arena.cString(entry.value)
                return element
            }
            (body.pointee.n_metadata, body.pointee.metadata) = arena.repeated(metadata)
            body.pointee.payload = arena.binary(request.payload)
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_REQUEST
            message.pointee.request = body
        case .message(let payload):
            let body = arena.message(vpa__store__v1__message__init)
            body.pointee.payload = arena.binary(payload)
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_MESSAGE
            message.pointee.message = body
        case .status(let status):
            let body = arena.message(vpa__store__v1__status__init)
            body.pointee.code = status.code.rawValue
            body.pointee.message = arena.cString(status.message)
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_STATUS
            message.pointee.status = body
        case .cancel:
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_CANCEL
            message.pointee.cancel = arena.message(vpa__store__v1__cancel__init)
        case .ping(let opaque):
            let body = arena.message(vpa__store__v1__ping__init)
            body.pointee.opaque = opaque
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_PING
            message.pointee.ping = body
        case .pong(let opaque):
            let body = arena.message(vpa__store__v1__ping__init)
            body.pointee.opaque = opaque
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_PONG
            message.pointee.pong = body
        case .goAway(let lastCallID, let reason):
            let body = arena.message(vpa__store__v1__go_away__init)
            body.pointee.last_call_id = lastCallID
            body.pointee.reason = arena.cString(reason)
            message.pointee.kind_case = VPA__STORE__V1__FRAME__KIND_GO_AWAY
            message.pointee.go_away = body
        }
        return packMessage(message)
    }

    /// Decodes one frame. Throws when the bytes are not a `Frame`, when no kind is set, or when the
    /// status code is not one of gRPC's 17.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Frame {
        try withUnpacked(bytes, "vpa.store.v1.Frame", vpa__store__v1__frame__unpack,
                         vpa__store__v1__frame__free_unpacked, checks: .strings) { (m) throws(WireError) -> Frame in
            let kind: Frame.Kind
            switch m.kind_case {
            case VPA__STORE__V1__FRAME__KIND_HELLO:
                let hello = m.hello.pointee
                kind = .hello(Frame.Hello(protocolVersion: hello.protocol_version,
                                          peerName: EventCodec.string(hello.peer_name),
                                          token: EventCodec.string(hello.token)))
            case VPA__STORE__V1__FRAME__KIND_WELCOME:
                let welcome = m.welcome.pointee
                kind = .welcome(Frame.Welcome(protocolVersion: welcome.protocol_version,
                                              serverVersion: EventCodec.string(welcome.server_version),
                                              storeID: EventCodec.string(welcome.store_id),
                                              headPosition: welcome.head_position,
                                              maxFrameBytes: welcome.max_frame_bytes))
            case VPA__STORE__V1__FRAME__KIND_REQUEST:
                let request = m.request.pointee
                let metadata = (0..<request.n_metadata).compactMap { index -> Frame.Metadata? in
                    guard let entry = request.metadata[index]?.pointee else { return nil }
                    return Frame.Metadata(key: EventCodec.string(entry.key), value: EventCodec.string(entry.value))
                }
                kind = .request(Frame.Request(method: EventCodec.string(request.method),
                                              timeoutMilliseconds: request.timeout_ms, metadata: metadata,
                                              payload: bytesOf(request.payload)))
            case VPA__STORE__V1__FRAME__KIND_MESSAGE:
                kind = .message(bytesOf(m.message.pointee.payload))
            case VPA__STORE__V1__FRAME__KIND_STATUS:
                let status = m.status.pointee
                guard let code = RPCStatus.Code(rawValue: status.code) else {
                    throw .invalidValue(field: "Frame.status.code", reason: "\(status.code) is not a gRPC status code (0-16)")
                }
                kind = .status(RPCStatus(code, EventCodec.string(status.message)))
            case VPA__STORE__V1__FRAME__KIND_CANCEL:
                kind = .cancel
            case VPA__STORE__V1__FRAME__KIND_PING:
                kind = .ping(m.ping.pointee.opaque)
            case VPA__STORE__V1__FRAME__KIND_PONG:
                kind = .pong(m.pong.pointee.opaque)
            case VPA__STORE__V1__FRAME__KIND_GO_AWAY:
                kind = .goAway(lastCallID: m.go_away.pointee.last_call_id, reason: EventCodec.string(m.go_away.pointee.reason))
            default:
                throw .invalidValue(field: "Frame.kind", reason: "no kind is set (or one this binary does not know)")
            }
            return Frame(callID: m.call_id, kind)
        }
    }

    /// Decodes one frame from a byte array.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Frame {
        try withRawBytes(bytes) { (raw) throws(WireError) in try decode(raw) }
    }
}

/// Unpacks `bytes` as a protobuf-c message, hands it to `read`, and frees it before returning, so
/// nothing of the C message escapes.
func withUnpacked<T, R>(
    _ bytes: UnsafeRawBufferPointer, _ name: String,
    _ unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<T>?,
    _ free: (UnsafeMutablePointer<T>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
    checks: WireValidation.Checks = .none,
    _ read: (T) throws(WireError) -> R
) throws(WireError) -> R {
    // protobuf-c reads `count` bytes from the pointer; an empty buffer has no base address, and any
    // non-null pointer will do since nothing is read.
    let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
    guard let message = unpack(nil, bytes.count, data) else {
        throw .malformedMessage(name, byteCount: bytes.count)
    }
    defer { free(message, nil) }
    if checks != .none {
        // Every protobuf-c message struct starts with its `ProtobufCMessage` base, which names its descriptor.
        let descriptor = UnsafeRawPointer(message).assumingMemoryBound(to: ProtobufCMessage.self).pointee.descriptor!
        try WireValidation.validate(bytes, descriptor, checkingTimes: checks == .stringsAndTimes)
    }
    return try read(message.pointee)
}

/// `body` over the bytes of `array`, keeping typed throws (Array's own `withUnsafeBytes` rethrows
/// untyped).
func withRawBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(WireError) -> R) throws(WireError) -> R {
    let result: Result<R, WireError> = array.withUnsafeBytes { raw in
        do throws(WireError) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}

/// A Swift copy of a protobuf-c `bytes` field.
func bytesOf(_ data: ProtobufCBinaryData) -> [UInt8] {
    guard data.len > 0, let pointer = data.data else { return [] }
    return Array(UnsafeBufferPointer(start: pointer, count: data.len))
}

extension CArena {
    /// A protobuf-c `bytes` field pointing at a copy of `bytes` owned by the arena.
    func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = copyBytes(bytes)
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }
}
