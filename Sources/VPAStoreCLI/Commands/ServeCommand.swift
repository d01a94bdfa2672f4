import ArgumentParser
import DaemonSupport
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import StoreRPC
import VPAModel
import VPAStoreClient
import VPAStoreServer
import ClusterFeed

/// `vpa-store serve`: the store over the framed protobuf protocol (README "Protocol").
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the store to recommender, updater and query clients over framed protobuf RPC.",
        discussion: """
            Prints `listening on ADDRESS` on standard output once the socket is bound, then logs to standard error. \
            SIGTERM or SIGINT starts a graceful shutdown: stop accepting, end watches, let calls in flight \
            finish within --shutdown-grace, snapshot, exit 0.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("TCP address to listen on (port 0 picks a free port).", valueName: "host:port"),
            transform: DaemonCommandLine.parseEndpoint)
    var listen: RPCEndpoint = .tcp(host: "127.0.0.1", port: RPCEndpoint.defaultPort)

    @Option(name: .long, help: ArgumentHelp("Listen on this Unix socket instead of TCP.", valueName: "path"))
    var unix: String?

    @Option(name: .long, help: "In-place resize reads: auto, enabled or disabled. Default: keep the stored setting.")
    var inPlace: InPlaceMode?

    @Option(name: .long, help: "Largest frame accepted, in bytes.")
    var maxFrameBytes: Int = 4 * 1024 * 1024

    @Option(name: .long, help: ArgumentHelp("Require the token in this file in every handshake.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics, and the probes /healthz and /readyz.", valueName: "host:port"),
            transform: DaemonCommandLine.parseEndpoint)
    var metricsListen: RPCEndpoint?

    @Option(name: .long, help: "How long a shutdown lets calls in flight finish (e.g. 10s).", transform: TimeArgument.parseDuration)
    var shutdownGrace: Int64 = 10_000

    @Option(name: .long, help: "Default timeout for pending_deferred resizes (e.g. 5m).", transform: TimeArgument.parseDuration)
    var deferredTimeout: Int64 = 5 * 60_000

    @Option(name: .long, help: "Default timeout for in_progress resizes (e.g. 1h).", transform: TimeArgument.parseDuration)
    var inProgressTimeout: Int64 = 60 * 60_000

    @OptionGroup var retention: UsageRetentionOptions

    @Option(name: .long, help: ArgumentHelp("Compact the log as it goes, keeping this much history before the newest event (e.g. 30d; see `vpa-store compact`). Default: keep everything.",
                                            valueName: "duration"), transform: TimeArgument.parseDuration)
    var compactKeep: Int64?

    @Option(name: .long, help: "Recent events kept in memory for Watch.")
    var watchBuffer: Int = 16_384

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    @Flag(name: .long, help: "Listen on a non-loopback address without --token-file (anyone who reaches it can write).")
    var insecureListen = false

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "Serve TLS with this certificate (PEM, intermediates after it); re-read when it changes.", valueName: "file"))
    var tlsCertificateFile: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The private key of --tls-cert (PEM); re-read when it changes.",
                                                             valueName: "file"))
    var tlsKeyFile: String?

    @Option(name: .customLong("tls-client-ca"), help: ArgumentHelp(
        "Mutual TLS: require a client certificate signed by a CA in this PEM file (then no token is needed off loopback).",
        valueName: "file"))
    var tlsClientCAFile: String?

    @Option(name: .long, help: "Open connections in all.")
    var maxConnections = RPCLimits().maximumConnections

    @Option(name: .long, help: "Connections that have not completed the handshake.")
    var maxPendingHandshakes = RPCLimits().maximumConnectionsBeforeHello

    @Option(name: .long, help: "Largest hello frame before the handshake, in bytes.")
    var maxHelloBytes = RPCLimits().maximumHelloBytes

    @Option(name: .long, help: "Calls in flight on one connection, Watches included.")
    var maxCallsPerConnection = RPCLimits().maximumCallsPerConnection

    @Option(name: .long, help: "Bytes of answers a connection may leave unread before the server stops reading it.")
    var maxQueuedBytesPerConnection = RPCLimits().maximumQueuedBytesPerConnection

    @Option(name: .long, help: "Shortest progress interval a Watch may ask for (e.g. 100ms).", transform: TimeArgument.parseDuration)
    var minWatchProgressInterval: Int64 = 100

    @Flag(name: .long, help: "Also run the cluster feed in this process (see `vpa-store feed`), ingesting over the server's own socket.")
    var feed = false

    @OptionGroup(title: "Cluster feed (with --feed)") var feedOptions: FeedOptions

    func validate() throws {
        if maxFrameBytes < 1024 || maxFrameBytes > 1 << 30 {
            throw ValidationError("--max-frame-bytes must be between 1024 and 1073741824")
        }
        if case .unix? = metricsListen { throw ValidationError("--metrics-listen takes HOST:PORT, not a Unix socket") }
        if watchBuffer < 1 { throw ValidationError("--watch-buffer must be at least 1") }
        if let compactKeep, compactKeep <= 0 { throw ValidationError("--compact-keep must be longer than zero") }
        for (flag, value) in [("--max-connections", maxConnections), ("--max-pending-handshakes", maxPendingHandshakes),
                              ("--max-hello-bytes", maxHelloBytes), ("--max-calls-per-connection", maxCallsPerConnection),
                              ("--max-queued-bytes-per-connection", maxQueuedBytesPerConnection)] where value < 1 {
            throw ValidationError("\(flag) must be at least 1")
        }
        if (tlsCertificateFile == nil) != (tlsKeyFile == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give the server's certificate and its private key")
        }
        if tlsClientCAFile != nil, tlsCertificateFile == nil {
            throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS with client certificates")
        }
        if tlsCertificateFile != nil, feed {
            throw ValidationError("--feed connects to the server's own socket without TLS credentials; with --tls-cert, run "
                                  + "`vpa-store feed --server HOST:PORT --tls-ca FILE …` as a process of its own")
        }
        let endpoint = unix.map { RPCEndpoint.unix(path: $0) } ?? listen
        // A client certificate signed by --tls-client-ca authenticates the client as a token does.
        if !endpoint.isLoopbackOnly, tokenFile == nil, tlsClientCAFile == nil, !insecureListen {
            throw ValidationError("--listen \(endpoint) can be reached from other machines, and without --token-file anyone "
                                  + "who reaches it can write to the store; give --token-file FILE or --tls-client-ca FILE "
                                  + "(mutual TLS), listen on 127.0.0.1, or pass --insecure-listen to accept that")
        }
    }

    /// The connection and call limits the flags set.
    private var limits: RPCLimits {
        var limits = RPCLimits()
        limits.maximumConnections = maxConnections
        limits.maximumConnectionsBeforeHello = maxPendingHandshakes
        limits.maximumHelloBytes = maxHelloBytes
        limits.maximumCallsPerConnection = maxCallsPerConnection
        limits.maximumQueuedBytesPerConnection = maxQueuedBytesPerConnection
        return limits
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "vpa-store.serve")
        var token: String?
        if let tokenFile { token = try ServerOptions.token(from: tokenFile) }
        var configuration = ServeConfiguration(
            databasePath: database.path, listen: unix.map { .unix(path: $0) } ?? listen, metricsListen: metricsListen,
            maximumFrameBytes: maxFrameBytes, token: token, inPlaceMode: inPlace,
            timeouts: ResizeTimeouts(deferred: .milliseconds(deferredTimeout), inProgress: .milliseconds(inProgressTimeout)),
            watchBufferEvents: watchBuffer, shutdownGrace: .milliseconds(shutdownGrace), usageRetention: retention.retention)
        configuration.limits = limits
        configuration.tls = tlsCertificateFile.map {
            RPCServerTLS(certificateFile: $0, privateKeyFile: tlsKeyFile ?? "", clientCertificateAuthorityFile: tlsClientCAFile)
        }
        configuration.compactionKeep = compactKeep.map { .milliseconds($0) }
        configuration.minimumWatchProgressInterval = .milliseconds(minWatchProgressInterval)
        let server = try await StoreServer(configuration: configuration, logger: logger)
        let address = try await server.bind()
        var line = "listening on \(address.map(Self.describe) ?? configuration.listen.description)"
        if let metrics = server.metricsAddress { line += ", metrics at http://\(Self.describe(metrics))/metrics" }
        // Written straight to the descriptor: a parent process reading the address (tests, scripts)
        // must not wait for a buffer that only flushes at exit.
        writeLine(line)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: server)]
        var feedClient: StoreClient?
        if feed {
            // The feed reaches the store through the server's own socket: one code path for both
            // deployments, and the server's group commit batches the feed's calls with the others'.
            let endpoint = address.flatMap(Self.endpoint) ?? configuration.listen
            let client = StoreClient(endpoint: endpoint, token: token ?? "", peerName: "vpa-store serve --feed")
            let clusterFeed = try feedOptions.feed(into: client, factory: server.metrics.factory,
                                                   logger: Logger(label: "vpa-store.feed"))
            services.append(.init(service: FeedService(feed: clusterFeed)))
            server.addReadinessCheck(named: "feed") { await clusterFeed.notReadyReason }
            feedClient = client
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await feedClient?.close()
    }

    /// The address a client in this process dials to reach the bound socket.
    private static func endpoint(_ address: SocketAddress) -> RPCEndpoint? {
        if let path = address.pathname { return .unix(path: path) }
        guard let ip = address.ipAddress, let port = address.port else { return nil }
        return .tcp(host: ip, port: port)
    }

    private static func describe(_ address: SocketAddress) -> String {
        if let path = address.pathname { return "unix:\(path)" }
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
