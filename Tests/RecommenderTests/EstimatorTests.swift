import Recommender
import Testing
import VPAModel

/// upstream pkg/recommender/logic/estimator_test.go and the multipliers documented in recommender.go.
struct EstimatorTests {
    static let anyTime = Timestamp(unixMilliseconds: 0)
    static let day = Duration.seconds(24 * 3600)

    /// A state with one CPU sample a minute for `minutes` minutes (samples at minute 0…minutes).
    static func stateWithHistory(minutes: Int64, millicores: Int64 = 1000) -> AggregateContainerState {
        var state = AggregateContainerState()
        for minute in 0...minutes {
            state.addCPUSample(millicores: millicores,
                               at: TestTime.at(TestTime.wholeHour, plus: minute * TestTime.minute))
        }
        return state
    }

    /// upstream `TestPercentileEstimator`: 20th percentile of {1, 2, 3} cores ≈ 1, median of
    /// {1e9, 2e9, 3e9} bytes ≈ 2e9, within 5% (histogram rounding).
    @Test func percentiles() {
        var state = AggregateContainerState()
        for (index, pod) in ["a", "b", "c"].enumerated() {
            state.addCPUSample(millicores: Int64(index + 1) * 1000, at: Self.anyTime, pod: pod)
            state.addMemorySample(bytes: Int64(index + 1) * 1_000_000_000, at: Self.anyTime, pod: pod)
        }
        #expect(isClose(Double(Estimator.cpuMillicores(atPercentile: 0.2, of: state)), 1000, relative: 0.05))
        #expect(isClose(Double(Estimator.memoryBytes(atPercentile: 0.5, of: state)), 2e9, relative: 0.05))
    }

    /// upstream `TestConfidenceMultiplier`: 9 samples 2 minutes apart → confidence 9/1440 = 0.00625;
    /// 3.14 cores × (1 + 0.1/0.00625)² = 907.46 cores.
    @Test func confidenceMultiplier() {
        var state = AggregateContainerState()
        for sample in 0..<9 {
            state.addCPUSample(millicores: 1000,
                               at: TestTime.at(Self.anyTime, plus: Int64(sample) * 2 * TestTime.minute))
        }
        let confidence = Estimator.confidence(of: state, interval: Self.day)
        #expect(confidence == 0.00625)
        let multiplier = Estimator.confidenceMultiplier(multiplier: 0.1, exponent: 2, confidence: confidence)
        #expect(ResourceAmount.scaled(3140, by: multiplier) == 907_460)
    }

    /// upstream `TestConfidenceMultiplierNoHistory`: +∞ clamps to `ResourceAmount.maximum`; ×0 is 0.
    @Test func confidenceMultiplierWithoutHistory() {
        let confidence = Estimator.confidence(of: AggregateContainerState(), interval: Self.day)
        #expect(confidence == 0)
        let up = Estimator.confidenceMultiplier(multiplier: 1, exponent: 1, confidence: confidence)
        let down = Estimator.confidenceMultiplier(multiplier: 1, exponent: -1, confidence: confidence)
        #expect(ResourceAmount.scaled(3140, by: up) == 100_000_000_000_000)
        #expect(ResourceAmount.scaled(3140, by: down) == 0)
    }

    /// The upper bound multipliers documented in recommender.go: 12 h ×3, 24 h ×2, one week ×1.14.
    @Test(arguments: [(12.0 * 60, 3.0), (24.0 * 60, 2.0), (7.0 * 24 * 60, 1.14)])
    func upperBoundMultiplier(historyMinutes: Double, expected: Double) {
        let (multiplier, exponent) = Estimator.upperBoundConfidence
        let factor = Estimator.confidenceMultiplier(multiplier: multiplier, exponent: exponent,
                                                    confidence: historyMinutes / 1440)
        #expect(abs(factor - expected) < 0.005)
    }

    /// The lower bound multipliers documented in recommender.go: 5 min ×0.6, 30 min ×0.9, 60 min ×0.95.
    @Test(arguments: [(5.0, 0.6), (30.0, 0.9), (60.0, 0.95)])
    func lowerBoundMultiplier(historyMinutes: Double, expected: Double) {
        let (multiplier, exponent) = Estimator.lowerBoundConfidence
        let factor = Estimator.confidenceMultiplier(multiplier: multiplier, exponent: exponent,
                                                    confidence: historyMinutes / 1440)
        #expect(abs(factor - expected) < 0.015)
    }

    /// Confidence from real samples: one a minute for N minutes scores N/1440 (the lesser of the
    /// span, N minutes, and the count, N + 1 samples).
    @Test(arguments: [Int64(5), 30, 60, 720])
    func confidenceFromSteadySamples(minutes: Int64) {
        let state = Self.stateWithHistory(minutes: minutes)
        #expect(isClose(Estimator.confidence(of: state, interval: Self.day), Double(minutes) / 1440))
    }

    /// Confidence is limited by the sample count: a week between two samples is still 2/1440.
    @Test func confidenceLimitedBySampleCount() {
        var state = AggregateContainerState()
        state.addCPUSample(millicores: 100, at: Self.anyTime)
        state.addCPUSample(millicores: 100, at: TestTime.at(Self.anyTime, plus: 7 * TestTime.day))
        #expect(isClose(Estimator.confidence(of: state, interval: Self.day), 2.0 / 1440))
    }

    /// The bounds of a real state scale by the documented multipliers: 5 minutes of history.
    @Test func boundsOfShortHistory() throws {
        let state = Self.stateWithHistory(minutes: 5)
        let estimate = Estimator().estimate(state, containerCount: 1)
        let target = try #require(estimate.target.cpuMillicores)
        let lower = try #require(estimate.lowerBound.cpuMillicores)
        let upper = try #require(estimate.upperBound.cpuMillicores)
        // All samples are equal, so every percentile is the same bucket end.
        #expect(isClose(Double(lower) / Double(target), 0.6, relative: 0.01))
        #expect(isClose(Double(upper) / Double(target), 1 + 288, relative: 0.01))
    }

    /// upstream `TestMarginEstimator`: 10% margin.
    @Test func margin() {
        #expect(Estimator.addingMargin(0.1, to: 3140) == 3454)
        #expect(Estimator.addingMargin(0.1, to: 3_140_000_000) == 3_454_000_000)
        // The default 15%.
        #expect(Estimator.addingMargin(RecommenderConfiguration().recommendationMarginFraction, to: 1000) == 1150)
    }

    /// The pod minimum, 25 millicores and 250 MiB, is split across the containers (truncated).
    @Test(arguments: [(1, Int64(25), Int64(262_144_000)), (2, 12, 131_072_000), (3, 8, 87_381_333)])
    func podMinimumIsSplit(containers: Int, cpu: Int64, memory: Int64) {
        #expect(Estimator().podMinimum(containerCount: containers)
                == ResourceList(cpuMillicores: cpu, memoryBytes: memory))
    }

    /// upstream `TestMinResourcesEstimator`: the result is at least the minimum.
    @Test func minimumApplies() {
        let state = Self.stateWithHistory(minutes: 60, millicores: 1)
        let estimate = Estimator().estimate(state, containerCount: 1)
        #expect(estimate.target == ResourceList(cpuMillicores: 25, memoryBytes: 262_144_000))
        #expect(estimate.lowerBound == estimate.target)
    }

    /// No samples at all: every amount is the minimum (upstream: 0 × ∞ for the empty upper bound).
    @Test func emptyStateGivesMinimum() {
        let estimate = Estimator().estimate(AggregateContainerState(), containerCount: 2)
        let minimum = ResourceList(cpuMillicores: 12, memoryBytes: 131_072_000)
        #expect(estimate == ResourceEstimate(target: minimum, lowerBound: minimum, upperBound: minimum))
    }

    /// One CPU sample: no history span, so the CPU upper bound is "infinite" and the lower bound 0,
    /// then raised to the minimum.
    @Test func singleSampleHasUnboundedUpperBound() {
        var state = AggregateContainerState()
        state.addCPUSample(millicores: 500, at: Self.anyTime)
        state.addMemorySample(bytes: 500 * mebibyte, at: Self.anyTime)
        let estimate = Estimator().estimate(state, containerCount: 1)
        #expect(estimate.upperBound
                == ResourceList(cpuMillicores: ResourceAmount.maximum, memoryBytes: ResourceAmount.maximum))
        #expect(estimate.lowerBound == ResourceList(cpuMillicores: 25, memoryBytes: 262_144_000))
    }

    /// The confidence intervals are configurable per resource (`--confidence-interval-*`).
    @Test func confidenceIntervalFollowsConfiguration() throws {
        let state = Self.stateWithHistory(minutes: 720)
        var configuration = RecommenderConfiguration()
        configuration.confidenceIntervalCPU = .seconds(12 * 3600)
        let estimate = Estimator(configuration: configuration).estimate(state, containerCount: 1)
        let target = try #require(estimate.target.cpuMillicores)
        let upper = try #require(estimate.upperBound.cpuMillicores)
        // 12 h of a 12 h interval is confidence 1: ×2 rather than ×3.
        #expect(isClose(Double(upper) / Double(target), 2, relative: 0.01))
    }
}
