import ArgumentParser
import Logging
import OperationsHTTP
import StoreAPI
import StoreRPC
import StoreWire
import Synchronization
import VPAStoreClient

/// When the loop of `vpa-recommender` or `vpa-updater` last showed a sign of life, for `/healthz`.
///
/// Upstream's recommender and updater fail their health check when no loop ran for 5 intervals
/// (`metrics.NewHealthCheck(interval*5)`, `UpdateLastActivity()` at each loop start; the check is
/// armed by `StartMonitoring()` only once the loop runs, so a standby replica waiting for the
/// Lease stays healthy). This does the same.
public final class LoopActivity: Sendable {
    private struct State {
        var monitoring = false
        var lastActivity = ContinuousClock.now
    }

    /// A loop whose last start is older than this makes `/healthz` fail.
    public let activityTimeout: Duration
    private let state = Mutex(State())

    /// Five loop intervals, upstream's factor.
    public init(interval: Duration) {
        activityTimeout = interval * 5
    }

    /// The loop started running (this replica leads, or runs without leader election).
    public func startMonitoring() {
        state.withLock { $0.monitoring = true; $0.lastActivity = .now }
    }

    /// The loop stopped running (leadership lost): a standby is healthy while it waits.
    public func stopMonitoring() {
        state.withLock { $0.monitoring = false }
    }

    /// A loop started.
    public func recordActivity() {
        state.withLock { $0.lastActivity = .now }
    }

    /// The liveness probe's answer.
    public func liveness(now: ContinuousClock.Instant = .now) -> ProbeResult {
        let (monitoring, last) = state.withLock { ($0.monitoring, $0.lastActivity) }
        guard monitoring else { return .ok("ok: not leading, waiting") }
        let quiet = now - last
        if quiet > activityTimeout {
            return .failing("no loop started for \(quiet.components.seconds) s (limit \(activityTimeout.components.seconds) s: 5 intervals)")
        }
        return .ok()
    }
}

/// `--metrics-listen HOST:PORT`: `/metrics` for Prometheus,
/// and `/healthz` and `/readyz` for the kubelet's probes, on one listener, as `vpa-store serve` and
/// `feed` serve them on their `--metrics-listen`.
public struct HealthOptions: ParsableArguments {
    @Option(name: .customLong("metrics-listen"), help: ArgumentHelp(
        "Serve Prometheus metrics at http://HOST:PORT/metrics, and the probes /healthz and /readyz.",
        discussion: "healthz fails when no loop started for 5 intervals (upstream's rule); readyz fails while the store does not answer.",
        valueName: "host:port"), transform: DaemonCommandLine.parseEndpoint)
    public var listen: RPCEndpoint?

    public init() {}

    public func validate() throws {
        if case .unix? = listen { throw ValidationError("--metrics-listen takes HOST:PORT, not a Unix socket") }
    }

    /// Runs `body` with `metrics` and the probes served when `--metrics-listen` was given, and stops
    /// them after. `store` makes the probe's own connection, so a readiness check never queues
    /// behind a loop's calls; `body` hands `activity` to `DaemonCommandLine.drive`.
    public func serving(interval: Duration, store makeStore: () -> StoreClient, metrics: DaemonMetrics, logger: Logger,
                        _ body: (_ activity: LoopActivity) async throws -> Void) async throws {
        let activity = LoopActivity(interval: interval)
        guard case .tcp(let host, let port)? = listen else { return try await body(activity) }
        let store = makeStore()
        let probes = HealthProbes(liveness: { activity.liveness() },
                                  readiness: { await Self.readiness(of: store) })
        let endpoint = try await OperationsEndpoint.start(host: host, port: port, exposition: { await metrics.exposition() },
                                                          probes: probes)
        logger.info("Serving metrics and probes", metadata: ["metrics.address": "\(endpoint.baseURL)"])
        DaemonCommandLine.write("metrics at \(endpoint.baseURL)/metrics")
        DaemonCommandLine.write("probes at \(endpoint.baseURL)/healthz and /readyz")
        do {
            try await body(activity)
        } catch {
            await endpoint.close()
            await store.close()
            throw error
        }
        await endpoint.close()
        await store.close()
    }

    /// Ready while the store answers CheckHealth and is not draining for shutdown.
    public static func readiness(of store: StoreClient) async -> ProbeResult {
        do {
            let health = try await store.health(timeout: .seconds(2))
            return health.serving ? .ok("ok: the store answers, head position \(health.headPosition)")
                                  : .failing("the store is shutting down")
        } catch {
            return .failing("the store does not answer: \(error)")
        }
    }
}
