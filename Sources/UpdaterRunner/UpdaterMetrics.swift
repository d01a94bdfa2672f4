import CoreMetrics
import Synchronization
import Updater
import VPAModel

/// `vpa-updater`'s own metrics, from each loop's summary: pods by decision (action and cause), the
/// decisions recorded, and what the actuator did, under upstream's names where upstream has one
/// (`vpa_updater_in_place_updated_pods_total`, `vpa_updater_evicted_pods_total`,
/// `vpa_updater_failed_in_place_update_attempts_total`, `vpa_updater_failed_eviction_attempts_total`;
/// upstream's gauge `vpa_updater_controlled_pods_total` is `vpa_updater_controlled_pods` here,
/// since a gauge may not end in `_total`). Made once by `factory` (the daemon's registry).
public final class UpdaterMetrics: Sendable {
    private let factory: any MetricsFactory
    private let vpas: CoreMetrics.Gauge
    private let controlledPods: CoreMetrics.Gauge
    private let decisionsRecorded: CoreMetrics.Counter
    private let inPlaceUpdated: CoreMetrics.Counter
    private let evicted: CoreMetrics.Counter
    private let failedInPlaceUpdates: CoreMetrics.Counter
    private let failedEvictions: CoreMetrics.Counter
    private let refusedEvictions: CoreMetrics.Counter
    /// One gauge per (action, cause) seen so far: 4 actions × the causes, a bounded set.
    private let decisionGauges = Mutex<[PlannedDecision: CoreMetrics.Gauge]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
        vpas = CoreMetrics.Gauge(label: "vpa_updater_vpa_objects", factory: factory)
        controlledPods = CoreMetrics.Gauge(label: "vpa_updater_controlled_pods", factory: factory)
        decisionsRecorded = CoreMetrics.Counter(label: "vpa_updater_decisions_recorded_total", factory: factory)
        inPlaceUpdated = CoreMetrics.Counter(label: "vpa_updater_in_place_updated_pods_total", factory: factory)
        evicted = CoreMetrics.Counter(label: "vpa_updater_evicted_pods_total", factory: factory)
        failedInPlaceUpdates = CoreMetrics.Counter(label: "vpa_updater_failed_in_place_update_attempts_total", factory: factory)
        failedEvictions = CoreMetrics.Counter(label: "vpa_updater_failed_eviction_attempts_total", dimensions: [("reason", "error")],
                                              factory: factory)
        refusedEvictions = CoreMetrics.Counter(label: "vpa_updater_failed_eviction_attempts_total",
                                               dimensions: [("reason", "disruption_budget")], factory: factory)
    }

    /// Adds what one loop did; the decision gauges show this loop's decisions only (a pair this
    /// loop did not decide goes to 0).
    public func record(_ summary: UpdaterLoopSummary) {
        vpas.record(summary.vpas)
        controlledPods.record(summary.pods)
        decisionsRecorded.increment(by: summary.decisionsRecorded)
        inPlaceUpdated.increment(by: summary.resizesActuated)
        evicted.increment(by: summary.actuated - summary.resizesActuated)
        failedInPlaceUpdates.increment(by: summary.resizeFailures)
        failedEvictions.increment(by: summary.actuationFailures - summary.resizeFailures)
        refusedEvictions.increment(by: summary.evictionsRefused)
        decisionGauges.withLock { gauges in
            for decision in summary.decisions.keys where gauges[decision] == nil {
                gauges[decision] = CoreMetrics.Gauge(label: "vpa_updater_pod_decisions",
                                                     dimensions: [("action", decision.action.rawValue), ("cause", decision.cause.rawValue)],
                                                     factory: factory)
            }
            for (decision, gauge) in gauges { gauge.record(summary.decisions[decision] ?? 0) }
        }
    }
}
