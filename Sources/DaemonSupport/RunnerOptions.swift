import ArgumentParser
import KubernetesAPI
import LeaderElection
import Logging
import StoreRPC
import VPAStoreClient

/// `--server HOST:PORT [--token-file FILE] [--interval D] [--once]`: what the daemons that run a
/// loop against a vpa-store server (vpa-recommender, vpa-updater) take alike.
public struct RunnerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vpa-store server: HOST:PORT or unix:/path.", valueName: "host:port"),
            transform: DaemonCommandLine.parseEndpoint)
    public var server: RPCEndpoint

    @Option(name: .long, help: ArgumentHelp("A file holding the token the server requires.", valueName: "file"))
    public var tokenFile: String?

    @Option(name: .long, help: "Time between loops, such as 30s (default: 1m).", transform: DaemonCommandLine.parseDuration)
    public var interval: Duration = .seconds(60)

    @Flag(name: .long, help: "Run one loop and exit.")
    public var once = false

    public init() {}

    public func validate() throws {
        if interval <= .zero { throw ValidationError("--interval must be a positive duration, such as 30s or 1m") }
    }

    /// The token from `--token-file`, or "" without one.
    public func token() throws -> String { try DaemonCommandLine.token(from: tokenFile) }

    /// Runs the daemon `name` (vpa-recommender, vpa-updater: its logger's label, peer name, default
    /// lease name and metrics prefix) until it stops: logging as `logging` says; a Kubernetes
    /// client from `kubernetes` when `needsAPI` or `--leader-elect` wants one, shut down when the
    /// daemon stops; the runner `makeRunner` builds over its client of the store (calls retried with
    /// `RetryPolicy.default`, since a daemon outlives a restart of the server), driven every
    /// `--interval` (once with `--once`), under leader election when asked, with the metrics (and
    /// what `record` adds from each summary) and probes `health` serves. The readiness probe has its
    /// own connection to the store, named `name probes`.
    public func run<Runner: LoopingRunner>(name: String, needsAPI: Bool, storeTLS: StoreTLSOptions, kubernetes: KubernetesOptions,
                                          leaderElection: LeaderElectionOptions, health: HealthOptions, logging: LoggingOptions,
                                          runner makeRunner: (StoreClient, KubernetesClient?, Logger) throws -> Runner,
                                          record: (DaemonMetrics) -> @Sendable (Runner.Summary) -> Void) async throws {
        logging.bootstrap()
        let logger = Logger(label: name)
        let token = try token()
        let tls = storeTLS.configuration
        let api = needsAPI || leaderElection.leaderElect ? try kubernetes.client() : nil
        do {
            let elector = try api.flatMap { try leaderElection.elector(api: $0, defaultLeaseName: name, logger: logger) }
            let runner = try makeRunner(StoreClient(endpoint: server, token: token, peerName: name, logger: logger, tls: tls,
                                                    retry: .default),
                                        api, logger)
            let metrics = DaemonMetrics(prefix: String(name.map { $0 == "-" ? "_" : $0 }))
            let observer = PassObserver(metrics: metrics, record: record(metrics))
            try await health.serving(interval: interval,
                                     store: { StoreClient(endpoint: server, token: token, peerName: "\(name) probes", tls: tls) },
                                     metrics: metrics, logger: logger) { activity in
                try await DaemonCommandLine.drive(runner, once: once, interval: interval, leaderElector: elector,
                                                  activity: activity, observer: observer, logger: logger)
            }
        } catch {
            await api?.shutdown()
            throw error
        }
        await api?.shutdown()
    }
}
