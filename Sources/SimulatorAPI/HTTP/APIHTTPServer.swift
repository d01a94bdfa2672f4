import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The HTTPS side of the simulated API server: TLS, HTTP/1.1 framing, one task per connection
/// reading requests in order, answering each whole or, for a watch, as a chunked stream.
final class APIHTTPServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let listener: NIOAsyncChannel<Connection, Never>
    private let router: APIRouter
    private let maximumBodyBytes: Int
    private let logger: Logger
    private let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    /// Accepted connections not yet served, and whether the server is closing. A connection accepted
    /// while the listener closes may never be handed to `run`'s loop; NIO traps when such an
    /// `NIOAsyncChannel` is released without `executeThenClose`, so `run` closes the leftovers
    /// itself, and none are made once closing has begun.
    private let admission: NIOLockedValueBox<Admission>

    struct Admission: Sendable {
        var closing = false
        var unclaimed: [ObjectIdentifier: Connection] = [:]
    }

    private init(listener: NIOAsyncChannel<Connection, Never>, admission: NIOLockedValueBox<Admission>, router: APIRouter,
                 maximumBodyBytes: Int, logger: Logger) {
        self.listener = listener
        self.admission = admission
        self.router = router
        self.maximumBodyBytes = maximumBodyBytes
        self.logger = logger
    }

    /// Binds `host:port` with TLS from `identity`; `router` answers once `run` accepts.
    static func bind(host: String, port: Int, identity: ServingIdentity, maximumBodyBytes: Int,
                     router: @escaping @Sendable (Int) -> APIRouter, logger: Logger) async throws -> APIHTTPServer {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(identity.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.privateKeyPEM.utf8), format: .pem)))
        // Go clients offer h2 first; answering http/1.1 keeps them on the one protocol served here.
        tls.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: tls)
        let admission = NIOLockedValueBox(Admission())
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if admission.withLockedValue({ $0.closing }) { throw ChannelError.ioOnClosedChannel }
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    let connection = try Connection(wrappingChannelSynchronously: channel)
                    admission.withLockedValue { $0.unclaimed[ObjectIdentifier(channel)] = connection }
                    return connection
                }
            }
        let boundPort = listener.channel.localAddress?.port ?? port
        return APIHTTPServer(listener: listener, admission: admission, router: router(boundPort),
                             maximumBodyBytes: maximumBodyBytes, logger: logger)
    }

    /// The port bound.
    var port: Int { listener.channel.localAddress?.port ?? 0 }

    /// Accepts connections until `close`, each served by its own task; returns when all ended.
    func run() async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            } catch {
                logger.debug("Listener ended with an error", metadata: ["error": "\(error)"])
            }
        }
        // Accepted as the listener closed, never served: closed here, as NIO requires.
        let leftovers = admission.withLockedValue { admission in
            admission.closing = true
            defer { admission.unclaimed.removeAll() }
            return Array(admission.unclaimed.values)
        }
        for connection in leftovers { try? await connection.executeThenClose { _, _ in } }
    }

    /// Stops accepting and closes every connection (watches end mid-stream).
    func close() {
        admission.withLockedValue { $0.closing = true }
        listener.channel.close(promise: nil)
        for channel in connections.withLockedValue({ Array($0.values) }) { channel.close(promise: nil) }
    }

    private func serve(_ connection: Connection) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        admission.withLockedValue { _ = $0.unclaimed.removeValue(forKey: key) }
        connections.withLockedValue { $0[key] = channel }
        defer { connections.withLockedValue { _ = $0.removeValue(forKey: key) } }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var oversized = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = []
                        oversized = false
                    case .body(let buffer):
                        if body.count + buffer.readableBytes > maximumBodyBytes { oversized = true } else { body += buffer.readableBytesView }
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        let answer: APIAnswer = oversized
                            ? .response(APIResponse(APIError(code: 413, reason: "RequestEntityTooLarge",
                                                             message: "the request body is larger than \(maximumBodyBytes) bytes")))
                            : await router.handle(APIRequest(method: requestHead.method, uri: requestHead.uri,
                                                             headers: requestHead.headers, body: body))
                        body = []
                        switch answer {
                        case .response(let response):
                            try await write(response, to: outbound, keepAlive: requestHead.isKeepAlive)
                            if !requestHead.isKeepAlive { return }
                        case .watch(let subscription):
                            try await stream(subscription, to: outbound, channel: channel)
                            return
                        }
                    }
                }
            }
        } catch {
            // One connection's failure is its own: the others go on.
            logger.debug("Connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func write(_ response: APIResponse, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
                       keepAlive: Bool) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Cache-Control", value: "no-cache, private")
        if let seconds = response.retryAfterSeconds { headers.add(name: "Retry-After", value: String(seconds)) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil)])
    }

    /// A watch, as kube-apiserver streams it: 200, a chunked body, each event one JSON line written
    /// and flushed as it happens, until the watch ends (timeout, shutdown) or the client leaves.
    private func stream(_ subscription: WatchSubscription, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
                        channel: any Channel) async throws {
        let state = router.state
        let id = subscription.id
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Cache-Control", value: "no-cache, private")
        // The connection ends with the watch (`serve` returns after it): say so, or a client that
        // pools connections may send its next request on one already closing ("I/O on closed channel").
        headers.add(name: "Connection", value: "close")
        var parts: [HTTPServerResponsePart] = [.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))]
        parts += subscription.initial.map { .body(.byteBuffer(ByteBuffer(bytes: $0))) }
        guard let live = subscription.live else {
            try await outbound.write(contentsOf: parts + [.end(nil)])
            return
        }
        // The client hanging up ends the watch at once, even with nothing to send.
        channel.closeFuture.whenComplete { _ in Task { await state.endWatch(id) } }
        do {
            try await outbound.write(contentsOf: parts)
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let interval = subscription.bookmarkInterval {
                    group.addTask {
                        while true {
                            try await Task.sleep(for: interval)
                            await state.bookmark(id)
                        }
                    }
                }
                if let timeout = subscription.timeout {
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        await state.endWatch(id)
                    }
                }
                defer { group.cancelAll() }
                for await output in live {
                    switch output {
                    case .data(let bytes): try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                    case .abort: throw WatchAborted()
                    }
                }
                try await outbound.write(.end(nil))
            }
        } catch {
            await state.endWatch(id)
            throw error
        }
        await state.endWatch(id)
    }
}

/// Ends a watch's connection without finishing its body (the `closeWatches` fault).
struct WatchAborted: Error {}
