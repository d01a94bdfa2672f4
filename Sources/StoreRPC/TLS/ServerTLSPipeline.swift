import Logging
import NIOCore
import NIOSSL
import NIOTLS
import StoreAPI
import StoreWire

extension ChannelPipeline.SynchronousOperations {
    /// Adds TLS in front of the frame codec of an accepted connection: a check that the client
    /// speaks TLS at all, the TLS handler with the current certificate, and a handler that logs
    /// refused handshakes with the peer and the reason.
    func addServerTLS(context: NIOSSLContext, tls: RPCServerTLS, peer: String, logger: Logger) throws {
        try addHandler(PlaintextOnTLSPortHandler(peer: peer, logger: logger))
        try addHandler(NIOSSLServerHandler(context: context))
        try addHandler(ServerTLSHandshakeLogger(tls: tls, peer: peer, logger: logger))
    }
}

/// The first byte of a TLS connection is a handshake record (22); the first byte of a plaintext
/// vpa-store connection is the high byte of the hello's length, 0. A plaintext client is answered
/// in plaintext, with a status it can print, instead of a TLS alert it cannot read.
final class PlaintextOnTLSPortHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The content type of a TLS handshake record.
    static let handshakeRecord: UInt8 = 22

    private let peer: String
    private let logger: Logger
    private var refused = false

    init(peer: String, logger: Logger) {
        self.peer = peer
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            context.fireChannelRead(data)
            return
        }
        if first == Self.handshakeRecord {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        refused = true
        logger.info("Refused a client that spoke plaintext to the TLS port", metadata: ["rpc.peer": "\(peer)"])
        let status = RPCStatus(.failedPrecondition, "this server requires TLS: connect with --tls-ca FILE "
                               + "(the CA that signed the server's certificate)")
        let body = FrameCodec.encode(Frame(callID: 0, .status(status)))
        var out = context.channel.allocator.buffer(capacity: 4 + body.count)
        out.writeInteger(UInt32(body.count))
        out.writeBytes(body)
        // Closed once the status is written, so that the client reads it before the end of the stream.
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// Logs a TLS handshake the server refused or that failed, naming the peer and the reason in words;
/// a completed handshake with a client certificate is logged at debug with the certificate's subject.
final class ServerTLSHandshakeLogger: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let tls: RPCServerTLS
    private let peer: String
    private let logger: Logger
    private var completed = false

    init(tls: RPCServerTLS, peer: String, logger: Logger) {
        self.tls = tls
        self.peer = peer
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            completed = true
            if logger.logLevel <= .debug {
                let subject = (try? context.channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self))?
                    .peerCertificate.map(TLSCertificateText.subject) ?? "none"
                logger.debug("TLS handshake", metadata: ["rpc.peer": "\(peer)", "tls.client_certificate": "\(subject)"])
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !completed {
            completed = true  // one line per connection
            let reason = TLSFailureText.serverReason(error, tls: tls)
            if reason.quiet {
                logger.debug("TLS handshake ended", metadata: ["rpc.peer": "\(peer)", "tls.reason": "\(reason.text)"])
            } else {
                logger.info("Refused a TLS handshake", metadata: ["rpc.peer": "\(peer)", "tls.reason": "\(reason.text)"])
            }
        }
        context.fireErrorCaught(error)
    }
}

/// What an `RPCServer` with TLS adds to each accepted connection, with the certificate files
/// re-read when they change.
struct ServerTLSInstaller: Sendable {
    private let tls: RPCServerTLS
    private let contexts: ReloadingTLSContext
    private let logger: Logger

    /// Reads the files now, so that `serve` refuses to start on a missing or unusable file.
    init(_ tls: RPCServerTLS, logger: Logger) throws(TLSSetupError) {
        self.tls = tls
        self.logger = logger
        contexts = ReloadingTLSContext.server(tls, logger: logger)
        _ = try contexts.current()
    }

    /// Adds TLS to an accepted connection's pipeline, with the current certificate.
    func install(on channel: any Channel) throws {
        let peer = channel.remoteAddress.map { "\($0)" } ?? "unknown"
        try channel.pipeline.syncOperations.addServerTLS(context: try contexts.current(), tls: tls, peer: peer, logger: logger)
    }
}
