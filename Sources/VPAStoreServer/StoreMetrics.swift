import CoreMetrics
import EventStore

import NIOConcurrencyHelpers
import OperationsHTTP
import Prometheus
import StoreAPI
import StoreWire
import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's metrics, made once and reused, with bounded label values (method names, status
/// codes, event types, resize states and resource sources are closed sets). Exposed in Prometheus
/// text format, each family with the help text `MetricHelp` gives it.
public final class StoreMetrics: Sendable {
    /// The registry /metrics renders, with `process_*` and `vpa_store_build_info`.
    public let operations: OperationsMetrics
    /// The registry behind these metrics.
    public var registry: PrometheusCollectorRegistry { operations.registry }
    /// The factory behind these metrics, for other parts of the process (`serve --feed`) to add theirs
    /// to the same /metrics.
    public var factory: DocumentedMetricsFactory { operations.factory }

    private let openConnections: CoreMetrics.Gauge
    private let watchers: CoreMetrics.Gauge
    private let headPosition: CoreMetrics.Gauge
    /// Group commits of Ingest calls, and the calls they carried: calls ÷ commits is the group size.
    private let ingestCommits: CoreMetrics.Counter
    private let ingestCommittedCalls: CoreMetrics.Counter
    private let lastIngest: Prometheus.Gauge
    private let counts = NIOLockedValueBox<(connections: Int, watchers: Int)>((0, 0))
    private let reads: [ResourceSource: CoreMetrics.Counter]
    private let appended: [EventType: CoreMetrics.Counter]
    private let calls = NIOLockedValueBox<[String: CoreMetrics.Counter]>([:])
    private let latencies: [String: CoreMetrics.Timer]
    /// Read from the store at each scrape (`StoreGauges`).
    private let podsByResizeState: [ResizeState: Prometheus.Gauge]
    private let timedOutByResizeState: [ResizeState: Prometheus.Gauge]
    private let databaseBytes: Prometheus.Gauge
    private let databaseFreeBytes: Prometheus.Gauge
    private let writeAheadLogBytes: Prometheus.Gauge

    /// The values of the `method` label: the Store's methods, and "unknown" for anything else.
    static let methodLabels = StoreMethod.allCases.map(\.shortName) + ["unknown"]

    public init() {
        operations = OperationsMetrics(prefix: "vpa_store") { factory in
            // From 50 µs (a point read from memory) to 10 s (a large ingest).
            factory.defaultDurationHistogramBuckets = [
                .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
            ]
        }
        let factory = operations.factory
        openConnections = CoreMetrics.Gauge(label: "vpa_store_rpc_open_connections", factory: factory)
        watchers = CoreMetrics.Gauge(label: "vpa_store_watchers", factory: factory)
        headPosition = CoreMetrics.Gauge(label: "vpa_store_head_position", factory: factory)
        ingestCommits = CoreMetrics.Counter(label: "vpa_store_ingest_commits_total", factory: factory)
        ingestCommittedCalls = CoreMetrics.Counter(label: "vpa_store_ingest_committed_calls_total", factory: factory)
        lastIngest = factory.gauge("vpa_store_last_ingest_timestamp_seconds")
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
        podsByResizeState = Dictionary(uniqueKeysWithValues: ResizeState.allCases.map { state in
            (state, factory.gauge("vpa_store_pods", [("resize_state", state.rawValue)]))
        })
        // Only the states a resize can time out in.
        timedOutByResizeState = Dictionary(uniqueKeysWithValues: ResizeState.allCases.filter(\.isResizing).map { state in
            (state, factory.gauge("vpa_store_resizes_timed_out", [("resize_state", state.rawValue)]))
        })
        databaseBytes = factory.gauge("vpa_store_database_bytes")
        databaseFreeBytes = factory.gauge("vpa_store_database_free_bytes")
        writeAheadLogBytes = factory.gauge("vpa_store_database_wal_bytes")
    }

    /// Reads `gauges` (the store's state) at each scrape.
    func collect(_ gauges: @escaping @Sendable () async -> StoreGauges?) {
        // The gauges, not self: the registry keeps the collector, and self keeps the registry.
        operations.addCollector { [podsByResizeState, timedOutByResizeState, databaseBytes, databaseFreeBytes, writeAheadLogBytes] in
            guard let gauges = await gauges() else { return }
            for (state, gauge) in podsByResizeState { gauge.set(to: Double(gauges.resizeStates[state]?.pods ?? 0)) }
            for (state, gauge) in timedOutByResizeState { gauge.set(to: Double(gauges.resizeStates[state]?.timedOut ?? 0)) }
            databaseBytes.set(to: Double(gauges.databaseBytes))
            databaseFreeBytes.set(to: Double(gauges.databaseFreeBytes))
            writeAheadLogBytes.set(to: Double(gauges.writeAheadLogBytes))
        }
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

    /// One group commit of `calls` Ingest calls, at `now`; `committed` when at least one of them
    /// was (an Ingest of unchanged pods commits too: the feed is alive).
    func groupCommitted(calls: Int, committed: Bool, at now: Timestamp) {
        ingestCommits.increment()
        ingestCommittedCalls.increment(by: calls)
        if committed { lastIngest.set(to: Double(now.unixMilliseconds) / 1000) }
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
        latencies[label]?.recordNanoseconds(duration.wholeNanoseconds)
    }

    /// The Prometheus text exposition of every metric, the store's state read first.
    public func exposition() async -> [UInt8] { await operations.exposition() }
}

/// The store's state as /metrics shows it, read on the store's thread at each scrape.
struct StoreGauges: Sendable {
    var resizeStates: [ResizeState: ResizeStateCount]
    var databaseBytes: Int64
    var databaseFreeBytes: Int64
    var writeAheadLogBytes: Int64

    /// The size of the file at `path`; 0 when there is none (no `-wal` until the first write).
    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}
