import ArgumentParser
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

    /// Drives `runner` every `--interval` (once with `--once`), under `elector` when given, with the
    /// metrics (`prefix`, and what `record` adds from each summary) and probes `health` serves. The
    /// readiness probe has its own connection to the store, named `name probes`.
    public func run<Runner: LoopingRunner>(_ runner: Runner, name: String, metricsPrefix prefix: String, token: String,
                                          tls: RPCClientTLS?, health: HealthOptions, elector: LeaderElector?, logger: Logger,
                                          record: (DaemonMetrics) -> @Sendable (Runner.Summary) -> Void) async throws {
        let metrics = DaemonMetrics(prefix: prefix)
        let observer = PassObserver(metrics: metrics, record: record(metrics))
        try await health.serving(interval: interval, store: { StoreClient(endpoint: server, token: token, peerName: "\(name) probes", tls: tls) },
                                 metrics: metrics, logger: logger) { activity in
            try await DaemonCommandLine.drive(runner, once: once, interval: interval, leaderElector: elector,
                                              activity: activity, observer: observer, logger: logger)
        }
    }
}
