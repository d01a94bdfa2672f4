import VPAModel

/// The recommender's tunables, with upstream's defaults. Each field is one upstream flag, named
/// after it (defaults: [VPA] pkg/recommender/config/config.go `DefaultRecommenderConfig`,
/// pkg/recommender/model/aggregations_config.go, pkg/recommender/model/container.go).
///
/// Durations must be positive; where upstream would divide by a zero duration the recommender uses
/// one millisecond instead.
public struct RecommenderConfiguration: Hashable, Sendable {
    /// `--recommendation-margin-fraction`: the fraction of usage added as a safety margin to the
    /// target, lower and upper bound. Default 0.15.
    public var recommendationMarginFraction: Double = 0.15

    /// `--pod-recommendation-min-cpu-millicores`: the least CPU recommended for a pod, split evenly
    /// across its containers. Default 25.
    public var podRecommendationMinCPUMillicores: Double = 25

    /// `--pod-recommendation-min-memory-mb`: the least memory recommended for a pod, split evenly
    /// across its containers. Upstream multiplies it by 1024 × 1024, so the unit is really MiB.
    /// Default 250.
    public var podRecommendationMinMemoryMB: Double = 250

    /// `--target-cpu-percentile`. Default 0.9.
    public var targetCPUPercentile: Double = 0.9
    /// `--recommendation-lower-bound-cpu-percentile`. Default 0.5.
    public var recommendationLowerBoundCPUPercentile: Double = 0.5
    /// `--recommendation-upper-bound-cpu-percentile`. Default 0.95.
    public var recommendationUpperBoundCPUPercentile: Double = 0.95
    /// `--confidence-interval-cpu`: the history length that counts as confidence 1 for the CPU
    /// bounds (logic/estimator.go `getConfidence`). Default 24 h.
    public var confidenceIntervalCPU: Duration = .seconds(24 * 3600)

    /// `--target-memory-percentile`. Default 0.9.
    public var targetMemoryPercentile: Double = 0.9
    /// `--recommendation-lower-bound-memory-percentile`. Default 0.5.
    public var recommendationLowerBoundMemoryPercentile: Double = 0.5
    /// `--recommendation-upper-bound-memory-percentile`. Default 0.95.
    public var recommendationUpperBoundMemoryPercentile: Double = 0.95
    /// `--confidence-interval-memory`: as `confidenceIntervalCPU`, for the memory bounds. Default 24 h.
    public var confidenceIntervalMemory: Duration = .seconds(24 * 3600)

    /// `--cpu-histogram-decay-half-life`: the age at which a CPU sample weighs half as much as a
    /// fresh one. Default 24 h.
    public var cpuHistogramDecayHalfLife: Duration = .seconds(24 * 3600)
    /// `--memory-histogram-decay-half-life`: as `cpuHistogramDecayHalfLife`, for memory peaks.
    /// Default 24 h.
    public var memoryHistogramDecayHalfLife: Duration = .seconds(24 * 3600)
    /// `--memory-aggregation-interval`: each container contributes one memory peak per interval.
    /// Default 24 h.
    public var memoryAggregationInterval: Duration = .seconds(24 * 3600)
    /// `--memory-aggregation-interval-count`: how many intervals make up the aggregation window;
    /// state with no sample for that long is expired. Default 8.
    public var memoryAggregationIntervalCount: Int64 = 8

    /// `--oom-bump-up-ratio`: after an OOM kill the memory needed is at least the memory used times
    /// this ratio. Default 1.2.
    public var oomBumpUpRatio: Double = 1.2
    /// `--oom-min-bump-up-bytes`: after an OOM kill the memory needed is at least the memory used
    /// plus this many bytes. Default 100 MiB (`100 * 1024 * 1024`).
    public var oomMinBumpUpBytes: Double = 100 * 1024 * 1024

    /// `--container-recommendation-max-allowed-cpu`: a cap on every container's CPU, used where the
    /// VPA's container policy sets no `maxAllowed` CPU. Default none.
    public var containerRecommendationMaxAllowedCPUMillicores: Int64?
    /// `--container-recommendation-max-allowed-memory`: as
    /// `containerRecommendationMaxAllowedCPUMillicores`, for memory in bytes. Default none.
    public var containerRecommendationMaxAllowedMemoryBytes: Int64?

    /// `--round-cpu-millicores`: CPU recommendations are rounded up to a multiple of this. Default 1.
    public var roundCPUMillicores: Int64 = 1
    /// `--round-memory-bytes`: memory recommendations are rounded up to a multiple of this. Default 1.
    public var roundMemoryBytes: Int64 = 1
    /// `--humanize-memory` (deprecated upstream): memory recommendations rounded to two decimals of
    /// their largest binary unit (`1.50Gi`). Default false.
    public var humanizeMemory = false
    /// `--feature-gates=PerVPAConfig=true`: honour the container policies' `oomBumpUpRatio`,
    /// `oomMinBumpUp`, `memoryAggregationIntervalSeconds` and `memoryAggregationIntervalCount`
    /// (upstream's gate is alpha and off by default). Default false.
    public var perVPAConfig = false

    /// The upstream defaults.
    public init() {}

    /// `memoryAggregationInterval × memoryAggregationIntervalCount` (upstream
    /// `GetMemoryAggregationWindowLength`), in milliseconds.
    public var memoryAggregationWindowMilliseconds: Int64 {
        let (length, overflow) = memoryAggregationInterval.positiveMilliseconds
            .multipliedReportingOverflow(by: Swift.max(0, memoryAggregationIntervalCount))
        return overflow ? .max : length
    }

    /// The global caps as a resource list (upstream `GlobalMaxAllowed.Container`).
    public var containerRecommendationMaxAllowed: ResourceList {
        ResourceList(cpuMillicores: containerRecommendationMaxAllowedCPUMillicores,
                     memoryBytes: containerRecommendationMaxAllowedMemoryBytes)
    }
}
