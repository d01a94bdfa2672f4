import NIOCore
import NIOExtras
import StoreAPI
import StoreWire

extension ChannelPipeline.SynchronousOperations {
    /// Adds the frame codec: 4-byte big-endian length + protobuf `Frame`, inbound and outbound.
    /// `maximumFirstFrameBytes` bounds the first frame only (a server's hello).
    public func addFrameCodec(maximumFrameBytes: Int, maximumFirstFrameBytes: Int? = nil) throws {
        try addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maximumFrameBytes,
                                                         maximumFirstFrameBytes: maximumFirstFrameBytes)))
        try addHandler(LengthFieldPrepender(lengthFieldLength: .four, lengthFieldEndianness: .big))
        try addHandler(MessageToByteHandler(FrameEncoder()))
    }
}
