import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 server for the cluster around a process, apart from its RPC port so a scraper
/// or the kubelet never speaks the framed protocol:
/// - `GET /metrics`: the Prometheus text exposition (when the process has metrics);
/// - `GET /healthz`: liveness, 200 `ok` or 503 with the reason;
/// - `GET /readyz`: readiness, 200 `ok` or 503 with the reason.
///
/// - the `pages` a process adds (the store's `/report`).
///
/// `HEAD` answers like `GET` without a body; anything else is 404 with the paths served.
public final class OperationsEndpoint: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Binds `host:port` and serves until `close`.
    ///
    /// - Parameters:
    ///   - exposition: renders `/metrics`; nil serves no `/metrics`.
    ///   - probes: answers `/healthz` and `/readyz`; nil serves neither.
    ///   - pages: more paths, each answered by its own handler.
    public static func start(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             exposition: (@Sendable () async -> [UInt8])? = nil,
                             probes: HealthProbes? = nil, pages: [OperationsPage] = []) async throws -> OperationsEndpoint {
        let routes = Routes(exposition: exposition, probes: probes, pages: pages)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                // Built on the channel's event loop, so the (non-Sendable) handler never crosses threads.
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(OperationsHTTPHandler(routes: routes))
                }
            }
            .bind(host: host, port: port).get()
        return OperationsEndpoint(channel: channel)
    }

    /// The bound address (the real port for port 0).
    public var localAddress: SocketAddress? { channel.localAddress }

    /// `http://HOST:PORT`, for the line a process prints once it listens.
    public var baseURL: String {
        guard let address = localAddress, let ip = address.ipAddress, let port = address.port else { return "http://?" }
        return ip.contains(":") ? "http://[\(ip)]:\(port)" : "http://\(ip):\(port)"
    }

    /// Stops serving.
    public func close() async {
        try? await channel.close()
    }
}

/// What each path answers.
struct Routes: Sendable {
    let exposition: (@Sendable () async -> [UInt8])?
    let probes: HealthProbes?
    let pages: [OperationsPage]

    typealias Answer = OperationsResponse

    func answer(_ request: OperationsRequest) async -> Answer {
        let method = request.method, path = request.path
        guard method == .GET || method == .HEAD else {
            return Answer(status: .methodNotAllowed, contentType: "text/plain; charset=utf-8",
                          body: Array("only GET and HEAD are served\n".utf8))
        }
        switch path {
        case "/metrics" where exposition != nil:
            return Answer(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: await exposition!())
        case "/healthz" where probes != nil:
            return Self.probeAnswer(await HealthProbes.run(probes!.liveness, timeout: probes!.timeout))
        case "/readyz" where probes != nil:
            return Self.probeAnswer(await HealthProbes.run(probes!.readiness, timeout: probes!.timeout))
        case _ where pages.contains { $0.path == path }:
            return await pages.first { $0.path == path }!.respond(request)
        default:
            return Answer(status: .notFound, contentType: "text/plain; charset=utf-8",
                          body: Array("not found: this endpoint serves \(served.joined(separator: ", "))\n".utf8))
        }
    }

    private var served: [String] {
        (exposition == nil ? [] : ["/metrics"]) + (probes == nil ? [] : ["/healthz", "/readyz"]) + pages.map(\.path)
    }

    private static func probeAnswer(_ result: ProbeResult) -> Answer {
        Answer(status: result.healthy ? .ok : .serviceUnavailable, contentType: "text/plain; charset=utf-8",
               body: Array((result.detail + "\n").utf8))
    }
}

private final class OperationsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: Routes
    private var head: HTTPRequestHead?

    init(routes: Routes) {
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
        case .body:
            break
        case .end:
            guard let request = head else { return }
            head = nil
            let routes = self.routes
            let parsed = OperationsRequest(head: request)
            // Probes may wait for the store; the answer is written back on the channel's loop.
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.makeFutureWithTask { await routes.answer(parsed) }
                .whenSuccess { answer in
                    let (handler, context) = bound.value
                    handler.write(answer, for: request, context: context)
                }
        }
    }

    private func write(_ answer: Routes.Answer, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: answer.contentType)
        headers.add(name: "Content-Length", value: "\(answer.body.count)")
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: answer.status, headers: headers))),
                      promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: answer.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
    }
}
