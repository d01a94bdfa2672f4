import NIOCore
import NIOEmbedded
import StoreAPI
import StoreRPC
import StoreWire
import Testing

@Suite struct FrameDecoderTests {
    let ping = Frame(callID: 0, .ping(42))
    let request = Frame(callID: 3, .request(Frame.Request(method: "/vpa.store.v1.Store/CheckHealth", payload: [])))

    func channel(maximum: Int = 1024) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: maximum)
        return channel
    }

    func wire(_ frame: Frame) -> [UInt8] {
        let body = FrameCodec.encode(frame)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt32(body.count).bigEndian) { bytes.append(contentsOf: $0) }
        return bytes + body
    }

    @Test func aHeaderSplitAcrossReadsIsReassembled() throws {
        let channel = try channel()
        let bytes = wire(ping)
        for byte in bytes { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(try channel.readInbound(as: Frame.self) == ping)
        #expect(try channel.readInbound(as: Frame.self) == nil)
    }

    @Test func twoFramesInOneReadAreBothDelivered() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(bytes: wire(ping) + wire(request)))
        #expect(try channel.readInbound(as: Frame.self) == ping)
        #expect(try channel.readInbound(as: Frame.self) == request)
    }

    @Test func anOversizedLengthIsRefusedBeforeItsBytesArrive() throws {
        let channel = try channel(maximum: 4 << 20)
        // 2 GiB announced; only the 4 length bytes are ever sent.
        #expect(throws: FrameError.frameTooLarge(announcedBytes: 1 << 31, maximumBytes: 4 << 20)) {
            try channel.writeInbound(ByteBuffer(bytes: [0x80, 0x00, 0x00, 0x00]))
        }
    }

    @Test func bytesThatAreNotAFrameAreAnError() throws {
        let channel = try channel()
        #expect(throws: FrameError.self) {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 3, 0xFF, 0xFF, 0xFF]))
        }
    }

    @Test func aFrameCutOffAtEndOfStreamIsReported() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(bytes: Array(wire(request).prefix(6))))
        #expect(throws: FrameError.truncatedFrame(bufferedBytes: 6)) { try channel.finish() }
    }

    @Test func outboundFramesGetTheirLengthPrefix() throws {
        let channel = try channel()
        try channel.writeOutbound(request)
        var written: [UInt8] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            written += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        #expect(written == wire(request))
    }

    @Test func endpointsParse() {
        #expect(RPCEndpoint(parsing: "127.0.0.1:7373") == .tcp(host: "127.0.0.1", port: 7373))
        #expect(RPCEndpoint(parsing: ":0") == .tcp(host: "127.0.0.1", port: 0))
        #expect(RPCEndpoint(parsing: "[::1]:80") == .tcp(host: "::1", port: 80))
        #expect(RPCEndpoint(parsing: "unix:/tmp/s.sock") == .unix(path: "/tmp/s.sock"))
        #expect(RPCEndpoint(parsing: "localhost") == nil)
        #expect(RPCEndpoint(parsing: "h:99999") == nil)
    }
}
