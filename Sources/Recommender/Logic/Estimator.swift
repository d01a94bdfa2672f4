import VPAModel

/// Turns a container's usage history into target, lower and upper bound (upstream
/// pkg/recommender/logic/estimator.go and recommender.go `CreatePodResourceRecommender`).
///
/// Per resource and bound the chain is: histogram percentile → plus the safety margin → times the
/// confidence multiplier (bounds only) → at least the per-container minimum. Each step yields an
/// integer amount (millicores or bytes), truncated, as upstream's `ResourceAmount` does.
public struct Estimator: Hashable, Sendable {
    /// The upper bound's confidence multiplier: `(1 + 1/confidence)^1`, so 12 h of history → ×3,
    /// 24 h → ×2, one week → ×1.14, none → ×∞ (recommender.go).
    public static let upperBoundConfidence = (multiplier: 1.0, exponent: 1.0)
    /// The lower bound's confidence multiplier: `(1 + 0.001/confidence)^−2`, so 5 min of history →
    /// ×0.6, 30 min → ×0.9, 60 min → ×0.95, none → ×0 (recommender.go).
    public static let lowerBoundConfidence = (multiplier: 0.001, exponent: -2.0)

    /// Percentiles, margin, minimums and confidence intervals.
    public var configuration: RecommenderConfiguration

    public init(configuration: RecommenderConfiguration = RecommenderConfiguration()) {
        self.configuration = configuration
    }

    /// The estimate for `state`, one of `containerCount` containers that share the pod minimum
    /// (recommender.go `estimateContainerResources` with `WithMinResources`). O(histogram buckets).
    public func estimate(_ state: AggregateContainerState, containerCount: Int) -> ResourceEstimate {
        let minimum = podMinimum(containerCount: containerCount)
        let cpuConfidence = Self.confidence(of: state, interval: configuration.confidenceIntervalCPU)
        let memoryConfidence = Self.confidence(of: state, interval: configuration.confidenceIntervalMemory)
        let margin = configuration.recommendationMarginFraction

        func cpu(_ percentile: Double, _ multiplier: (multiplier: Double, exponent: Double)?) -> Int64 {
            var amount = Self.addingMargin(margin, to: Self.cpuMillicores(atPercentile: percentile, of: state))
            if let multiplier {
                amount = ResourceAmount.scaled(amount, by: Self.confidenceMultiplier(
                    multiplier: multiplier.multiplier, exponent: multiplier.exponent, confidence: cpuConfidence))
            }
            return Swift.max(amount, minimum.cpuMillicores ?? 0)
        }
        func memory(_ percentile: Double, _ multiplier: (multiplier: Double, exponent: Double)?) -> Int64 {
            var amount = Self.addingMargin(margin, to: Self.memoryBytes(atPercentile: percentile, of: state))
            if let multiplier {
                amount = ResourceAmount.scaled(amount, by: Self.confidenceMultiplier(
                    multiplier: multiplier.multiplier, exponent: multiplier.exponent, confidence: memoryConfidence))
            }
            return Swift.max(amount, minimum.memoryBytes ?? 0)
        }

        return ResourceEstimate(
            target: ResourceList(cpuMillicores: cpu(configuration.targetCPUPercentile, nil),
                                 memoryBytes: memory(configuration.targetMemoryPercentile, nil)),
            lowerBound: ResourceList(
                cpuMillicores: cpu(configuration.recommendationLowerBoundCPUPercentile, Self.lowerBoundConfidence),
                memoryBytes: memory(configuration.recommendationLowerBoundMemoryPercentile, Self.lowerBoundConfidence)),
            upperBound: ResourceList(
                cpuMillicores: cpu(configuration.recommendationUpperBoundCPUPercentile, Self.upperBoundConfidence),
                memoryBytes: memory(configuration.recommendationUpperBoundMemoryPercentile, Self.upperBoundConfidence)))
    }

    /// The pod minimum split evenly across `containerCount` containers (at least 1): 25 millicores and
    /// 250 MiB by default (recommender.go `GetRecommendedPodResources`: `minCPU = 25m × 1/N`,
    /// `minMemory = 250 × 1024 × 1024 × 1/N`, each truncated).
    public func podMinimum(containerCount: Int) -> ResourceList {
        let fraction = 1.0 / Double(Swift.max(1, containerCount))
        let cpu = ResourceAmount.millicores(fromCores: configuration.podRecommendationMinCPUMillicores * 0.001)
        let memory = ResourceAmount.fromDouble(configuration.podRecommendationMinMemoryMB * 1024 * 1024)
        return ResourceList(cpuMillicores: ResourceAmount.scaled(cpu, by: fraction),
                            memoryBytes: ResourceAmount.scaled(memory, by: fraction))
    }

    /// The CPU usage percentile, in millicores (`percentileCPUEstimator`).
    public static func cpuMillicores(atPercentile percentile: Double, of state: AggregateContainerState) -> Int64 {
        ResourceAmount.millicores(fromCores: state.cpuUsage.percentile(percentile))
    }

    /// The memory peaks percentile, in bytes (`percentileMemoryEstimator`).
    public static func memoryBytes(atPercentile percentile: Double, of state: AggregateContainerState) -> Int64 {
        ResourceAmount.fromDouble(state.memoryPeaks.percentile(percentile))
    }

    /// `amount` plus `fraction` of it, the fraction truncated (`marginEstimator`).
    public static func addingMargin(_ fraction: Double, to amount: Int64) -> Int64 {
        amount.addingSaturating(ResourceAmount.scaled(amount, by: fraction))
    }

    /// How much history `state` holds, in units of `interval` (`getConfidence`): the lesser of the
    /// time from the first to the last CPU sample and the CPU sample count at one per minute. A
    /// steady one-sample-a-minute workload observed for N intervals scores N.
    public static func confidence(of state: AggregateContainerState, interval: Duration) -> Double {
        let intervalMilliseconds = Double(interval.wholeMilliseconds)
        var lifespanMilliseconds: Int64 = 0
        if let first = state.firstSampleStart, let last = state.lastSampleStart {
            lifespanMilliseconds = last.milliseconds(since: first)
        }
        let lifespan = Double(lifespanMilliseconds) / intervalMilliseconds
        let samples = Double(state.totalCPUSamples) / (intervalMilliseconds / 60_000)
        return Swift.min(lifespan, samples)
    }

    /// `(1 + multiplier / confidence)^exponent` (`confidenceMultiplier`); +∞ or 0 when confidence is 0.
    public static func confidenceMultiplier(multiplier: Double, exponent: Double, confidence: Double) -> Double {
        power(1 + multiplier / confidence, exponent)
    }
}
