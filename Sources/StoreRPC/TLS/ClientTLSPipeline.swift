import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

extension ChannelPipeline.SynchronousOperations {
    /// Adds TLS in front of a client connection's frame codec: the server's certificate is verified
    /// against the CA of `tls` and the name `RPCClientTLS.hostname(for:)` gives (the dialled IP
    /// address when that is nil). The first TLS error goes to `failure`.
    func addClientTLS(context: NIOSSLContext, tls: RPCClientTLS, endpoint: RPCEndpoint, failure: TLSFailureRecorder) throws {
        try addHandler(try NIOSSLClientHandler(context: context, serverHostname: tls.hostname(for: endpoint)))
        try addHandler(failure.handler())
    }
}

/// The first error the TLS handler of a connection raised. A failed handshake closes the channel,
/// and a write waiting on it (the hello) then fails with "I/O on closed channel": the reason is
/// this error, not that one.
final class TLSFailureRecorder: Sendable {
    private let first = NIOLockedValueBox<(any Error)?>(nil)

    /// The recorded error, if any.
    var error: (any Error)? { first.withLockedValue { $0 } }

    fileprivate func record(_ error: any Error) {
        first.withLockedValue { if $0 == nil { $0 = error } }
    }

    fileprivate func handler() -> Handler { Handler(recorder: self) }

    fileprivate final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let recorder: TLSFailureRecorder

        init(recorder: TLSFailureRecorder) { self.recorder = recorder }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            recorder.record(error)
            context.fireErrorCaught(error)
        }
    }
}
