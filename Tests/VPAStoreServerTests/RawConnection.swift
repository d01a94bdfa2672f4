import NIOCore
import NIOPosix
import StoreAPI
import StoreWire

/// A client that speaks raw bytes, for sending what a well-behaved client never would.
enum RawConnection {
    /// What came back: the frames the server sent, and whether it closed the connection.
    struct Reply {
        var frames: [Frame]
        var closed: Bool
        /// Bytes after the last whole frame (should be none).
        var leftover: Int
    }

    /// Connects to 127.0.0.1:`port`, writes `bytes`, optionally half-closes, and reads until the
    /// server closes or `timeout` passes.
    /// With `afterFirstFrame`, those bytes are written once the first whole frame has arrived
    /// (the welcome, when `bytes` is a hello), in one write.
    static func exchange(port: Int, _ bytes: [UInt8], afterFirstFrame: [UInt8] = [], halfClose: Bool = false,
                         timeout: Duration = .seconds(15)) async throws -> Reply {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty {
                // A server that refuses at once may have closed before the write: read what it sent.
                do { try await outbound.write(ByteBuffer(bytes: bytes)) } catch {}
            }
            if halfClose { outbound.finish() }
            // The reader returns what it got either way: when the server closes (closed) or, cancelled
            // at the timeout, with whatever arrived before it (not closed), so a reply that came but
            // was not followed by a close still shows.
            let (all, closed) = await withTaskGroup(of: ([UInt8], Bool)?.self) { group in
                group.addTask {
                    var all: [UInt8] = []
                    var pending = afterFirstFrame
                    do {
                        for try await var buffer in inbound {
                            all += buffer.readBytes(length: buffer.readableBytes) ?? []
                            if !pending.isEmpty, all.count >= 4, all.count - 4 >= all[0..<4].reduce(0, { $0 << 8 | Int($1) }) {
                                try await outbound.write(ByteBuffer(bytes: pending))
                                pending = []
                            }
                        }
                    } catch {
                        // A reset by the server is a close too.
                    }
                    return (all, !Task.isCancelled)
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                var result: ([UInt8], Bool)?
                while result == nil, let next = await group.next() {
                    // The first to finish decides: the reader, or the timer (then the reader stops).
                    group.cancelAll()
                    result = next
                }
                return result!
            }
            var frames: [Frame] = []
            var offset = 0
            while all.count - offset >= 4 {
                let length = all[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
                guard all.count - offset - 4 >= length else { break }
                frames.append(try FrameCodec.decode(Array(all[offset + 4..<offset + 4 + length])))
                offset += 4 + length
            }
            return Reply(frames: frames, closed: closed, leftover: all.count - offset)
        }
    }

    /// `frame` with its 4-byte big-endian length prefix.
    static func wire(_ frame: Frame) -> [UInt8] {
        let body = FrameCodec.encode(frame)
        return withUnsafeBytes(of: UInt32(body.count).bigEndian) { Array($0) } + body
    }

    static let hello = wire(Frame(callID: 0, .hello(Frame.Hello(peerName: "raw"))))
}
