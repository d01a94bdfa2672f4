import CoreMetrics
import KubernetesAPI
import Synchronization

/// The feed's metrics: watch restarts and relists by resource, events received by resource and
/// type, API errors by code, objects skipped, and the lag from a watch event's arrival to the
/// store's acknowledgement. Label values come from closed sets (resource names, event types,
/// HTTP codes). Each family's help text is in `MetricHelp` (OperationsHTTP).
public final class FeedMetrics: Sendable {
    private let factory: any MetricsFactory
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let lag: CoreMetrics.Timer
    private let pending: CoreMetrics.Gauge
    private let lastAcknowledged: CoreMetrics.Gauge

    /// Metrics made by `factory` (a Prometheus factory in `serve --feed` and `feed --metrics-listen`).
    public init(factory: any MetricsFactory) {
        self.factory = factory
        lag = CoreMetrics.Timer(label: "vpa_store_feed_ingest_lag_seconds", preferredDisplayUnit: .seconds, factory: factory)
        pending = CoreMetrics.Gauge(label: "vpa_store_feed_pending_observations", factory: factory)
        lastAcknowledged = CoreMetrics.Gauge(label: "vpa_store_feed_last_acknowledged_timestamp_seconds", factory: factory)
        // Shown at 0 from the start, so an alert on its increase has a series to read.
        dropped(observations: 0)
    }

    func count(_ label: String, _ dimensions: [(String, String)], by amount: Int = 1) {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment(by: amount)
    }

    func received(_ resource: APIResource, type: String, count: Int = 1) {
        self.count("vpa_store_feed_events_received_total", [("resource", resource.description), ("type", type)], by: count)
    }

    func incident(_ incident: ReflectorIncident, resource: APIResource) {
        switch incident {
        case .watchRestarted:
            count("vpa_store_feed_watch_restarts_total", [("resource", resource.description)])
        case .relisting:
            count("vpa_store_feed_relists_total", [("resource", resource.description)])
        case .apiError(let error, _, _):
            let code = error.code.map(String.init) ?? "transport"
            count("vpa_store_feed_api_errors_total", [("resource", resource.description), ("code", code)])
        }
    }

    func skipped(_ resource: APIResource) {
        count("vpa_store_feed_objects_skipped_total", [("resource", resource.description)])
    }

    func dropped(observations: Int) {
        count("vpa_store_feed_dropped_observations_total", [], by: observations)
    }

    func acknowledged(lag duration: Duration, at seconds: Double) {
        let (whole, attoseconds) = duration.components
        lag.recordNanoseconds(whole * 1_000_000_000 + attoseconds / 1_000_000_000)
        lastAcknowledged.record(seconds)
    }

    func pendingChanged(_ count: Int) { pending.record(count) }
}
