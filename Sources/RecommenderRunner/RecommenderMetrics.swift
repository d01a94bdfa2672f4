import CoreMetrics

/// `vpa-recommender`'s own metrics, from each loop's summary: VPAs tracked (upstream's
/// `vpa_recommender_vpa_objects_count`, renamed since a gauge may not end in `_count`),
/// recommendations published, what the histories took in, and the log position consumed.
/// Made once by `factory` (the daemon's registry) and reused.
public final class RecommenderMetrics: Sendable {
    private let vpas: CoreMetrics.Gauge
    private let consumedPosition: CoreMetrics.Gauge
    private let recommendationsPublished: CoreMetrics.Counter
    private let samples: CoreMetrics.Counter
    private let ooms: CoreMetrics.Counter
    private let checkpoints: CoreMetrics.Counter
    private let statusesWritten: CoreMetrics.Counter
    private let statusWriteFailures: CoreMetrics.Counter

    public init(factory: any MetricsFactory) {
        vpas = CoreMetrics.Gauge(label: "vpa_recommender_vpa_objects", factory: factory)
        consumedPosition = CoreMetrics.Gauge(label: "vpa_recommender_consumed_position", factory: factory)
        recommendationsPublished = CoreMetrics.Counter(label: "vpa_recommender_recommendations_published_total", factory: factory)
        samples = CoreMetrics.Counter(label: "vpa_recommender_usage_samples_total", factory: factory)
        ooms = CoreMetrics.Counter(label: "vpa_recommender_oom_kills_total", factory: factory)
        checkpoints = CoreMetrics.Counter(label: "vpa_recommender_checkpoints_written_total", factory: factory)
        statusesWritten = CoreMetrics.Counter(label: "vpa_recommender_status_writes_total", dimensions: [("result", "succeeded")],
                                              factory: factory)
        statusWriteFailures = CoreMetrics.Counter(label: "vpa_recommender_status_writes_total", dimensions: [("result", "failed")],
                                                  factory: factory)
    }

    /// Adds what one loop did.
    public func record(_ summary: RecommenderLoopSummary) {
        vpas.record(summary.vpas)
        consumedPosition.record(summary.consumedPosition)
        recommendationsPublished.increment(by: summary.recommendationsPublished)
        samples.increment(by: summary.samples)
        ooms.increment(by: summary.ooms)
        checkpoints.increment(by: summary.checkpointsWritten)
        statusesWritten.increment(by: summary.statusesWritten)
        statusWriteFailures.increment(by: summary.statusWriteFailures)
    }
}
