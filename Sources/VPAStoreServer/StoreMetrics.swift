import CoreMetrics

import NIOConcurrencyHelpers
import Prometheus
import StoreWire
import VPAModel

/// The server's metrics, made once and reused, with bounded label values (method names, status
/// codes, event types and resource sources are closed sets). Exposed in Prometheus text format.
public final class StoreMetrics: Sendable {
    /// The registry /metrics renders.
    public let registry: PrometheusCollectorRegistry
    /// The factory behind these metrics, for other parts of the process (`serve --feed`) to add theirs
    /// to the same /metrics.
    public let factory: PrometheusMetricsFactory

    private let openConnections: CoreMetrics.Gauge
    private let watchers: CoreMetrics.Gauge
    private let headPosition: CoreMetrics.Gauge
    /// Group commits of Ingest calls, and the calls they carried: calls ÷ commits is the group size.
    private let ingestCommits: CoreMetrics.Counter
    private let ingestCommittedCalls: CoreMetrics.Counter
    private let counts = NIOLockedValueBox<(connections: Int, watchers: Int)>((0, 0))
    private let reads: [ResourceSource: CoreMetrics.Counter]
    private let appended: [EventType: CoreMetrics.Counter]
    private let calls = NIOLockedValueBox<[String: CoreMetrics.Counter]>([:])
    private let latencies: [String: CoreMetrics.Timer]

    /// The values of the `method` label: the Store's methods, and "unknown" for anything else.
    static let methodLabels = StoreMethod.allCases.map(\.shortName) + ["unknown"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // From 50 µs (a point read from memory) to 10 s (a large ingest).
        factory.defaultDurationHistogramBuckets = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
        ]
        self.factory = factory
        openConnections = CoreMetrics.Gauge(label: "vpa_store_rpc_open_connections", factory: factory)
        watchers = CoreMetrics.Gauge(label: "vpa_store_watchers", factory: factory)
        headPosition = CoreMetrics.Gauge(label: "vpa_store_head_position", factory: factory)
        ingestCommits = CoreMetrics.Counter(label: "vpa_store_ingest_commits_total", factory: factory)
        ingestCommittedCalls = CoreMetrics.Counter(label: "vpa_store_ingest_committed_calls_total", factory: factory)
        reads = Dictionary(uniqueKeysWithValues: ResourceSource.allCases.map { source in
            (source, CoreMetrics.Counter(label: "vpa_store_actual_resources_reads_total", dimensions: [("source", source.rawValue)],
                             factory: factory))
        })
        appended = Dictionary(uniqueKeysWithValues: EventType.allCases.map { type in
            (type, CoreMetrics.Counter(label: "vpa_store_events_appended_total", dimensions: [("type", type.name)], factory: factory))
        })
        latencies = Dictionary(uniqueKeysWithValues: Self.methodLabels.map { method in
            (method, CoreMetrics.Timer(label: "vpa_store_rpc_duration_seconds", dimensions: [("method", method)],
                                   preferredDisplayUnit: .seconds, factory: factory))
        })
    }

    /// The log's head moved.
    func headMoved(to position: Int64) { headPosition.record(position) }

    /// Connections opened (+) or closed (-); returns the number open.
    @discardableResult
    func connectionsChanged(by delta: Int) -> Int {
        let open = counts.withLockedValue { $0.connections += delta; return $0.connections }
        openConnections.record(open)
        return open
    }

    /// Watch calls started (+) or ended (-); returns the number running.
    @discardableResult
    func watchersChanged(by delta: Int) -> Int {
        let running = counts.withLockedValue { $0.watchers += delta; return $0.watchers }
        watchers.record(running)
        return running
    }

    var openConnectionCount: Int { counts.withLockedValue { $0.connections } }
    var watcherCount: Int { counts.withLockedValue { $0.watchers } }

    /// One container's actual resources were answered from `source`.
    func resourcesRead(_ source: ResourceSource) { reads[source]?.increment() }

    func eventAppended(_ type: EventType) { appended[type]?.increment() }

    /// One group commit of `calls` Ingest calls.
    func groupCommitted(calls: Int) {
        ingestCommits.increment()
        ingestCommittedCalls.increment(by: calls)
    }

    /// One call ended.
    func callEnded(method: String, code: RPCStatus.Code, duration: Duration) {
        let label = StoreMethod(rawValue: method)?.shortName ?? "unknown"
        let key = "\(label) \(code.name)"
        let counter = calls.withLockedValue { calls in
            if let counter = calls[key] { return counter }
            let counter = CoreMetrics.Counter(label: "vpa_store_rpc_calls_total", dimensions: [("method", label), ("code", code.name)],
                                  factory: factory)
            calls[key] = counter
            return counter
        }
        counter.increment()
        latencies[label]?.recordNanoseconds(duration.nanosecondsClamped)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

extension Duration {
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product &+ attoseconds / 1_000_000_000
    }
}
