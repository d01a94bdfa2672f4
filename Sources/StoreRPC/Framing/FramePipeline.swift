import NIOCore
import NIOExtras
import StoreWire

extension ChannelPipeline.SynchronousOperations {
    /// Adds the frame codec: 4-byte big-endian length + protobuf `Frame`, inbound and outbound.
    public func addFrameCodec(maximumFrameBytes: Int) throws {
        try addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maximumFrameBytes)))
        try addHandler(LengthFieldPrepender(lengthFieldLength: .four, lengthFieldEndianness: .big))
        try addHandler(MessageToByteHandler(FrameEncoder()))
    }
}
