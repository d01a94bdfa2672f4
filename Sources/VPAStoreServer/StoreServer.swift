import EventStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OperationsHTTP
import ServiceLifecycle
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel

/// `vpa-store serve`: the store behind the RPC protocol, with metrics, as a swift-service-lifecycle
/// `Service`. On graceful shutdown (SIGTERM/SIGINT through a `ServiceGroup`, or `shutdown()`), it
/// stops accepting, ends watches with UNAVAILABLE, lets other calls in flight finish within the
/// grace period, writes a snapshot, and closes. Every append is acknowledged only after its
/// transaction committed (WAL, synchronous=FULL), so nothing acknowledged is lost.
public final class StoreServer: Service, Sendable {
    public let configuration: ServeConfiguration
    public let metrics: StoreMetrics
    private let core: StoreCore
    private let rpcServer: RPCServer
    private let logger: Logger
    private let group: any EventLoopGroup
    private let metricsEndpoint = NIOLockedValueBox<OperationsEndpoint?>(nil)
    private let readinessChecks = NIOLockedValueBox<[(String, @Sendable () async -> String?)]>([])
    /// The store the RPC calls, the probes and the metrics collector reach, through its gate (see
    /// `CoreAccessGate`): closed at the end of `run`, before the store's thread stops.
    private let local: LocalStore
    private var coreGate: CoreAccessGate { local.gate }
    /// The one thread that runs every SQLite call of the store (see `StoreCore`).
    private let storeThread = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// Opens (creating and migrating when needed) the database and prepares the service.
    public init(configuration: ServeConfiguration, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        let store = try EventStore(path: configuration.databasePath, access: .readWrite)
        store.usageRetention = configuration.usageRetention
        store.compactionKeep = configuration.compactionKeep
        metrics = StoreMetrics()
        core = StoreCore(store: store, metrics: metrics, recentCapacity: configuration.watchBufferEvents,
                         publishesResources: true, executor: storeThread.next().executor)
        if let mode = configuration.inPlaceMode { try await core.setInPlaceMode(mode, now: .now) }
        let local = LocalStore(core: core, settings: configuration.settings, logger: logger,
                               activity: { [metrics] in (metrics.openConnectionCount, metrics.watcherCount) })
        self.local = local
        // Weak: the core keeps the metrics, which keep this collector.
        metrics.collect { [weak core, gate = local.gate, timeouts = configuration.timeouts] in
            await gate.pass { await core?.gauges(now: .now, timeouts: timeouts) } ?? nil
        }
        let service = StoreService(local: local, metrics: metrics, configuration: configuration, logger: logger)
        var rpcConfiguration = RPCServerConfiguration(listen: configuration.listen, maximumFrameBytes: configuration.maximumFrameBytes,
                                                      shutdownGrace: configuration.shutdownGrace, requiredToken: configuration.token)
        rpcConfiguration.handshakeTimeout = configuration.handshakeTimeout
        rpcConfiguration.limits = configuration.limits
        rpcConfiguration.tls = configuration.tls
        rpcServer = RPCServer(configuration: rpcConfiguration, service: service, logger: logger, group: group)
    }

    /// Binds the RPC (and metrics) sockets; returns the RPC address (the real port for port 0).
    @discardableResult
    public func bind() async throws -> SocketAddress? {
        let address = try await rpcServer.bind()
        if case .tcp(let host, let port)? = configuration.metricsListen {
            let endpoint = try await OperationsEndpoint.start(host: host, port: port, group: group,
                                                              exposition: { [metrics] in await metrics.exposition() },
                                                              probes: probes,
                                                              pages: [ReportPage.page(store: local, configuration: configuration)])
            metricsEndpoint.withLockedValue { $0 = endpoint }
            logger.info("Serving metrics", metadata: ["metrics.address": "\(endpoint.localAddress.map { "\($0)" } ?? "")"])
        }
        return address
    }

    /// `/healthz` and `/readyz` on the metrics listener. Alive while the process answers; ready
    /// once the database is open and migrated (`init` does both or throws), the RPC socket is
    /// bound, the store's thread answers, no shutdown has begun (a draining server takes no new
    /// work, so the Service stops sending it before the process exits), and every check added with
    /// `addReadinessCheck` passes.
    public var probes: HealthProbes {
        HealthProbes(readiness: { [core, rpcServer, readinessChecks, coreGate] in
            guard let shuttingDown = await coreGate.pass({ await core.shuttingDown }) else { return .failing("stopped") }
            guard !shuttingDown else { return .failing("shutting down") }
            guard rpcServer.localAddress != nil else { return .failing("not listening yet") }
            for (name, check) in readinessChecks.withLockedValue({ $0 }) {
                if let reason = await check() { return .failing("\(name): \(reason)") }
            }
            guard let head = await coreGate.pass({ await core.headPosition }) else { return .failing("stopped") }
            return .ok("ok: serving, head position \(head)")
        })
    }

    /// Makes `/readyz` also depend on `check` (nil = ready, else why not), for what runs beside
    /// the store in this process (`serve --feed`).
    public func addReadinessCheck(named name: String, _ check: @escaping @Sendable () async -> String?) {
        readinessChecks.withLockedValue { $0.append((name, check)) }
    }

    /// The bound RPC address.
    public var localAddress: SocketAddress? { rpcServer.localAddress }
    /// The bound metrics address, when metrics are served.
    public var metricsAddress: SocketAddress? { metricsEndpoint.withLockedValue { $0 }?.localAddress }

    /// Serves until a graceful shutdown, then cleans up. Binds first if `bind` was not called.
    public func run() async throws {
        if rpcServer.localAddress == nil { try await bind() }
        try await withGracefulShutdownHandler {
            try await rpcServer.run()
        } onGracefulShutdown: {
            self.shutdown()
        }
        await metricsEndpoint.withLockedValue { $0 }?.close()
        // A call, probe or scrape already past the gate finishes before the store closes.
        await local.close()
        let head = await core.headPosition
        try await storeThread.shutdownGracefully()
        logger.info("Stopped", metadata: ["store.head": "\(head)"])
    }

    /// Starts a graceful shutdown; `run` returns when it is done.
    public func shutdown() {
        let core = self.core, rpcServer = self.rpcServer
        Task {
            await core.beginShutdown()
            rpcServer.shutdown()
        }
    }
}
