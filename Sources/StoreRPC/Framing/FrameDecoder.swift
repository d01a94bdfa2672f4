import LogCodec
import NIOCore
import StoreAPI
import StoreWire

/// Splits the inbound byte stream into frames: a 4-byte big-endian length, then that many bytes of
/// one protobuf `Frame`.
///
/// The announced length is checked against `maximumFrameBytes` as soon as its 4 bytes arrive, so
/// a peer announcing 2 GiB is refused before anything of that size is buffered.
/// (`LengthFieldBasedFrameDecoder` from swift-nio-extras only stops at `Int32.max`.)
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame

    /// Bytes of the length prefix.
    public static let lengthFieldBytes = 4

    public let maximumFrameBytes: Int
    /// The limit for the first frame (a server's: the hello, before anyone is authenticated).
    public let maximumFirstFrameBytes: Int
    private var decodedFirstFrame = false

    /// `maximumFirstFrameBytes` defaults to `maximumFrameBytes`.
    public init(maximumFrameBytes: Int, maximumFirstFrameBytes: Int? = nil) {
        self.maximumFrameBytes = maximumFrameBytes
        self.maximumFirstFrameBytes = min(maximumFirstFrameBytes ?? maximumFrameBytes, maximumFrameBytes)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length <= maximumFrameBytes else {
            throw FrameError.frameTooLarge(announcedBytes: Int(length), maximumBytes: maximumFrameBytes)
        }
        if !decodedFirstFrame, length > maximumFirstFrameBytes {
            throw FrameError.firstFrameTooLarge(announcedBytes: Int(length), maximumBytes: maximumFirstFrameBytes)
        }
        guard buffer.readableBytes >= Self.lengthFieldBytes + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: Self.lengthFieldBytes)
        let frame = buffer.readWithUnsafeReadableBytes { raw -> (Int, Result<Frame, WireError>) in
            let body = UnsafeRawBufferPointer(rebasing: raw.prefix(Int(length)))
            do throws(WireError) { return (Int(length), .success(try FrameCodec.decode(body))) } catch {
                return (Int(length), .failure(error))
            }
        }
        decodedFirstFrame = true
        switch frame {
        case .success(let frame): context.fireChannelRead(wrapInboundOut(frame))
        case .failure(let error): throw FrameError.malformedFrame(error)
        }
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            throw FrameError.truncatedFrame(bufferedBytes: buffer.readableBytes)
        }
        return .needMoreData
    }
}

/// Writes each outbound `Frame` as its protobuf bytes; `LengthFieldPrepender` (swift-nio-extras),
/// after it in the pipeline, puts the 4-byte length in front.
public struct FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data: Frame, out: inout ByteBuffer) throws {
        out.writeBytes(FrameCodec.encode(data))
    }
}

/// Why the byte stream of a connection could not be read as frames. Each ends the connection.
public enum FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A length prefix announced more than the maximum frame size.
    case frameTooLarge(announcedBytes: Int, maximumBytes: Int)
    /// The first frame (the hello) announced more than the limit before the handshake.
    case firstFrameTooLarge(announcedBytes: Int, maximumBytes: Int)
    /// A frame's bytes are not a valid `Frame` message.
    case malformedFrame(WireError)
    /// The connection ended in the middle of a frame.
    case truncatedFrame(bufferedBytes: Int)

    public var description: String {
        switch self {
        case .frameTooLarge(let announced, let maximum):
            "a frame of \(announced) bytes was announced, above the maximum of \(maximum) bytes "
                + "(--max-frame-bytes); the connection is closed"
        case .firstFrameTooLarge(let announced, let maximum):
            "a first frame of \(announced) bytes was announced; before the handshake completes a frame may have at most "
                + "\(maximum) bytes (--max-hello-bytes); the connection is closed"
        case .malformedFrame(let error):
            "a frame is not a valid vpa.store.v1.Frame (\(error)); the connection is closed"
        case .truncatedFrame(let count):
            "the connection ended \(count) bytes into a frame"
        }
    }
}
