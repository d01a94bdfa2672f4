import ArgumentParser
import DaemonSupport
import ClusterFeed
import Foundation
import KubernetesAPI
import Logging
import OperationsHTTP
import NIOCore
import NIOPosix
import ServiceLifecycle
import StoreRPC
import UnixSignals
import VPAStoreClient
import VPAStoreServer

/// `vpa-store feed`: keeps a vpa-store server in step with a Kubernetes cluster (DESIGN §8).
struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Watch a Kubernetes cluster's pods, VPAs, Evicted events and PodMetrics, and ingest them into a vpa-store server.",
        discussion: """
            A reflector per resource, as client-go has them: LIST in pages, then WATCH from the list's resourceVersion \
            with bookmarks; on 410 Gone it relists, and records as deleted the pods the store holds live that the list \
            no longer has. Observations go to the server as Ingest calls of --batch-size or --batch-latency, whichever \
            comes first, each with an idempotency key; observed_at is when the watch event arrived. \
            SIGTERM or SIGINT stops it after the batch in flight.
            """)

    @Option(name: .long, help: ArgumentHelp("The vpa-store server.", valueName: "host:port"), transform: DaemonCommandLine.parseEndpoint)
    var server: RPCEndpoint

    @Option(name: .long, help: ArgumentHelp("A file holding the token the server requires.", valueName: "file"))
    var tokenFile: String?

    @OptionGroup(title: "TLS to the server") var tls: StoreTLSOptions

    @OptionGroup var feed: FeedOptions

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics, and the probes /healthz and /readyz.", valueName: "host:port"),
            transform: DaemonCommandLine.parseEndpoint)
    var metricsListen: RPCEndpoint?

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        if case .unix? = metricsListen { throw ValidationError("--metrics-listen takes HOST:PORT, not a Unix socket") }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "vpa-store.feed")
        let token = try ServerOptions.token(from: tokenFile)
        let store = StoreClient(endpoint: server, token: token, peerName: "vpa-store feed", tls: tls.configuration)
        let metrics = OperationsMetrics(prefix: "vpa_store")
        let clusterFeed = try feed.feed(into: store, factory: metrics.factory, logger: logger)
        var endpoint: OperationsEndpoint?
        if case .tcp(let host, let port)? = metricsListen {
            let probes = HealthProbes(readiness: {
                await clusterFeed.notReadyReason.map { ProbeResult.failing($0) } ?? .ok()
            })
            endpoint = try await OperationsEndpoint.start(host: host, port: port, exposition: { await metrics.exposition() },
                                                          probes: probes)
            if let endpoint {
                FileHandle.standardOutput.write(Data("metrics at \(endpoint.baseURL)/metrics, probes at /healthz and /readyz\n".utf8))
            }
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: FeedService(feed: clusterFeed))],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await endpoint?.close()
        await store.close()
    }
}
