import CoreMetrics
import Prometheus

/// A swift-metrics factory over a Prometheus registry that gives every family its `# HELP` text
/// from `MetricHelp`.
///
/// swift-prometheus's own `PrometheusMetricsFactory` registers every family with an empty help
/// (2.4.1), and its registry traps when one name is registered with two different help texts, so
/// every metric of a registry is made here, never through both.
public struct DocumentedMetricsFactory: Sendable {
    /// The registry the metrics are registered in, and /metrics renders.
    public let registry: PrometheusCollectorRegistry
    /// The buckets of a `Timer` whose label has none in `durationHistogramBuckets`.
    public var defaultDurationHistogramBuckets: [Duration]
    /// Buckets by `Timer` label.
    public var durationHistogramBuckets: [String: [Duration]] = [:]
    /// The buckets of an aggregating `Recorder`.
    public var defaultValueHistogramBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    /// A factory registering in `registry`; timers default to 5 ms … 10 s (swift-prometheus's).
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
    }

    /// A gauge set directly, for values read at scrape time.
    public func gauge(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Gauge {
        registry.makeGauge(name: name, labels: labels, help: MetricHelp.text(for: name))
    }

    /// A counter incremented directly.
    public func counter(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Counter {
        registry.makeCounter(name: name, labels: labels, help: MetricHelp.text(for: name))
    }
}

extension DocumentedMetricsFactory: CoreMetrics.MetricsFactory {
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CoreMetrics.CounterHandler {
        counter(label, dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any CoreMetrics.FloatingPointCounterHandler {
        counter(label, dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any CoreMetrics.RecorderHandler {
        guard aggregate else { return gauge(label, dimensions) }
        return registry.makeValueHistogram(name: label, labels: dimensions, buckets: defaultValueHistogramBuckets,
                                           help: MetricHelp.text(for: label))
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any CoreMetrics.MeterHandler {
        gauge(label, dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any CoreMetrics.TimerHandler {
        registry.makeDurationHistogram(name: label, labels: dimensions,
                                       buckets: durationHistogramBuckets[label] ?? defaultDurationHistogramBuckets,
                                       help: MetricHelp.text(for: label))
    }

    public func destroyCounter(_ handler: any CoreMetrics.CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any CoreMetrics.FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any CoreMetrics.RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as ValueHistogram: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    public func destroyMeter(_ handler: any CoreMetrics.MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any CoreMetrics.TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
