import ArgumentParser
import ClusterFeed
import DaemonSupport
import CoreMetrics
import KubernetesAPI
import Logging
import VPAModel
import VPAStoreClient

/// Where the feed finds the cluster and what it follows: the flags `feed` and `serve --feed` share.
struct FeedOptions: ParsableArguments {
    /// `--kubeconfig` and `--context`, resolved as the daemons resolve them.
    @OptionGroup var kubernetes: KubernetesOptions

    @Option(name: .customLong("feed-namespace"), help: ArgumentHelp("Follow one namespace only (default: all).", valueName: "namespace"))
    var namespace: String?

    @Option(name: .long, help: "How often PodMetrics are read from metrics.k8s.io (e.g. 1m).", transform: TimeArgument.parseDuration)
    var metricsInterval: Int64 = 60_000

    @Option(name: .long, help: "Observations per Ingest call at most.")
    var batchSize = 300

    @Option(name: .long, help: "Longest wait before a partial batch is sent (e.g. 100ms).", transform: TimeArgument.parseDuration)
    var batchLatency: Int64 = 100

    @Option(name: .long, help: "Observations held while the store is unavailable before dropping them and relisting.")
    var bufferLimit = 50_000

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if bufferLimit < batchSize { throw ValidationError("--buffer-limit must be at least --batch-size") }
        if metricsInterval < 10 { throw ValidationError("--metrics-interval must be at least 10ms") }
    }

    var configuration: FeedConfiguration {
        var configuration = FeedConfiguration()
        configuration.namespace = namespace
        configuration.batchObservations = batchSize
        configuration.batchLatency = .milliseconds(batchLatency)
        configuration.bufferLimit = bufferLimit
        configuration.metricsInterval = .milliseconds(metricsInterval)
        return configuration
    }

    /// The API client of the configured cluster.
    func apiClient() throws -> KubernetesClient {
        do throws(ClusterConnectionError) {
            return try kubernetes.client()
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// A feed into `store`, its metrics made by `factory`. `observed_at` follows the machine's clock,
    /// or the simulated clock the kubeconfig of `vpa-store simulate --api-listen` carries.
    func feed(into store: StoreClient, factory: any MetricsFactory, logger: Logger) throws -> ClusterFeed {
        let api = try apiClient()
        var clock: @Sendable () -> Timestamp = { .now }
        if let simulated = api.connection.simulatedClock {
            logger.notice("The kubeconfig's cluster is a vpa-store simulator with its own clock: observed_at follows it",
                          metadata: ["speed": "\(simulated.speed)", "simulated_start": "\(simulated.simulatedStart.rfc3339)"])
            clock = { simulated.now }
        }
        return ClusterFeed(api: api, store: store, configuration: configuration, metrics: FeedMetrics(factory: factory),
                           clock: clock, logger: logger)
    }
}
