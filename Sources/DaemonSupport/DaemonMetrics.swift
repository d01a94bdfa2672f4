import Foundation
import OperationsHTTP
import Prometheus

/// What `vpa-recommender` or `vpa-updater` serves at `/metrics`: the process, its build, and its
/// loop: each pass's duration (upstream's `…_execution_latency_seconds{step="total"}`), the passes
/// that succeeded and failed, and when the last one succeeded. What a pass did is added by the
/// runner's own metrics through `PassObserver`.
public final class DaemonMetrics: Sendable {
    /// The registry, with `process_*` and `<prefix>_build_info`.
    public let operations: OperationsMetrics
    /// Makes the runner's metrics in the same registry, documented.
    public var factory: DocumentedMetricsFactory { operations.factory }
    private let duration: Prometheus.DurationHistogram
    private let succeeded: Prometheus.Counter
    private let failed: Prometheus.Counter
    private let lastSuccess: Prometheus.Gauge

    /// Upstream's buckets for `execution_latency_seconds` (`pkg/utils/metrics/metrics.go`), 10 ms to 5 min.
    static let executionLatencyBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500),
        .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(40), .seconds(50), .seconds(60),
        .seconds(70), .seconds(80), .seconds(90), .seconds(100), .seconds(120), .seconds(150), .seconds(240), .seconds(300),
    ]

    /// The metrics of the daemon whose families start with `prefix` (`vpa_recommender`, `vpa_updater`).
    public init(prefix: String) {
        operations = OperationsMetrics(prefix: prefix)
        let factory = operations.factory
        let name = "\(prefix)_execution_latency_seconds"
        duration = factory.registry.makeDurationHistogram(name: name, labels: [("step", "total")],
                                                          buckets: Self.executionLatencyBuckets, help: MetricHelp.text(for: name))
        succeeded = factory.counter("\(prefix)_loops_total", [("result", "succeeded")])
        failed = factory.counter("\(prefix)_loops_total", [("result", "failed")])
        lastSuccess = factory.gauge("\(prefix)_last_successful_loop_timestamp_seconds")
    }

    /// A pass ended after `elapsed`.
    func passEnded(after elapsed: Duration, succeeded passed: Bool) {
        duration.record(elapsed)
        if passed {
            succeeded.increment()
            lastSuccess.set(to: Date().timeIntervalSince1970)
        } else {
            failed.increment()
        }
    }

    /// The Prometheus text exposition.
    public func exposition() async -> [UInt8] { await operations.exposition() }
}

/// Tells `/metrics` about each pass `DaemonCommandLine.drive` runs: its duration and result in
/// `metrics`, and the summary of a pass that succeeded to `record` (the runner's own counts).
public struct PassObserver<Summary: Sendable>: Sendable {
    let metrics: DaemonMetrics
    let record: @Sendable (Summary) -> Void

    public init(metrics: DaemonMetrics, record: @escaping @Sendable (Summary) -> Void = { _ in }) {
        self.metrics = metrics
        self.record = record
    }

    func succeeded(_ summary: Summary, after elapsed: Duration) {
        record(summary)
        metrics.passEnded(after: elapsed, succeeded: true)
    }

    func failed(after elapsed: Duration) {
        metrics.passEnded(after: elapsed, succeeded: false)
    }
}
