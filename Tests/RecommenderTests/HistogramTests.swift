import Recommender
import Testing
import VPAModel

/// upstream pkg/recommender/util/histogram_test.go, run on a decaying histogram whose samples all
/// carry decay factor 1 (same whole-hour time as the reference), which is upstream's plain histogram.
struct HistogramTests {
    static let anyTime = TestTime.wholeHour
    /// upstream `valueEpsilon`.
    static let valueEpsilon = 1e-15
    static let weightEpsilon = 1e-15

    /// upstream `TestPercentilesEmptyHistogram`.
    @Test func percentilesOfEmptyHistogramAreZero() {
        let histogram = DecayingHistogram.linearTest()
        for percentile in stride(from: -0.5, through: 1.5, by: 0.5) {
            #expect(histogram.percentile(percentile) == 0)
        }
    }

    /// upstream `TestPercentiles`: { 1: 1, 2: 2, 3: 3, 4: 4 }.
    @Test func percentilesReturnBucketEnds() {
        var histogram = DecayingHistogram.linearTest()
        for value in 1...4 {
            histogram.addSample(value: Double(value), weight: Double(value), time: Self.anyTime)
        }
        let expected: [(Double, Double)] = [(0.0, 2), (0.1, 2), (0.2, 3), (0.3, 3), (0.4, 4), (0.5, 4), (0.6, 4),
                                            (0.7, 5), (0.8, 5), (0.9, 5), (1.0, 5)]
        for (percentile, value) in expected {
            #expect(isClose(histogram.percentile(percentile), value, relative: Self.valueEpsilon), "p\(percentile)")
        }
    }

    /// upstream `TestPercentileOutOfBounds`.
    @Test func percentileOutOfBounds() throws {
        let options = try #require(HistogramOptions.linear(maxValue: 1.0, bucketSize: 0.1, epsilon: Self.weightEpsilon))
        var histogram = DecayingHistogram(options: options, halfLife: .seconds(3600))
        histogram.addSample(value: 0.1, weight: 0.1, time: Self.anyTime)
        histogram.addSample(value: 0.2, weight: 0.2, time: Self.anyTime)
        #expect(isClose(histogram.percentile(-0.1), 0.2, relative: Self.valueEpsilon))
        #expect(isClose(histogram.percentile(1.1), 0.3, relative: Self.valueEpsilon))

        // Fill the boundary buckets: the last bucket has no end, so its start is returned.
        histogram.addSample(value: 0.0, weight: 0.1, time: Self.anyTime)
        histogram.addSample(value: 1.0, weight: 0.2, time: Self.anyTime)
        #expect(isClose(histogram.percentile(-0.1), 0.1, relative: Self.valueEpsilon))
        #expect(isClose(histogram.percentile(1.1), 1.0, relative: Self.valueEpsilon))
    }

    /// upstream `TestEmptyHistogram`.
    @Test func emptinessFollowsEpsilon() throws {
        let options = try #require(HistogramOptions.linear(maxValue: 1.0, bucketSize: 0.1, epsilon: Self.weightEpsilon))
        var histogram = DecayingHistogram(options: options, halfLife: .seconds(3600))
        #expect(histogram.isEmpty)
        histogram.addSample(value: 0.1, weight: Self.weightEpsilon * 2.5, time: Self.anyTime)
        #expect(!histogram.isEmpty)
        histogram.subtractSample(value: 0.1, weight: Self.weightEpsilon, time: Self.anyTime)
        #expect(!histogram.isEmpty)
        histogram.subtractSample(value: 0.1, weight: Self.weightEpsilon, time: Self.anyTime)
        #expect(histogram.isEmpty)
    }

    /// upstream `TestNonEmptyOnEpsilonAddition`.
    @Test func belowEpsilonSampleDoesNotEmptyHistogram() throws {
        let options = try #require(HistogramOptions.linear(maxValue: 1.0, bucketSize: 0.1, epsilon: Self.weightEpsilon))
        var histogram = DecayingHistogram(options: options, halfLife: .seconds(3600))
        histogram.addSample(value: 9.9, weight: Self.weightEpsilon * 3, time: Self.anyTime)
        #expect(!histogram.isEmpty)
        histogram.addSample(value: 0.1, weight: Self.weightEpsilon * 0.3, time: Self.anyTime)
        #expect(!histogram.isEmpty)
        histogram.addSample(value: 999.9, weight: Self.weightEpsilon * 0.3, time: Self.anyTime)
        #expect(!histogram.isEmpty)
    }

    /// upstream `TestHistogramSaveToCheckpointEmpty`.
    @Test func checkpointOfEmptyHistogram() {
        let checkpoint = DecayingHistogram.linearTest().checkpoint()
        #expect(checkpoint.totalWeight == 0)
        #expect(checkpoint.bucketWeights.isEmpty)
        #expect(checkpoint.referenceTimestamp == nil)
    }

    /// upstream `TestHistogramSaveToCheckpoint`.
    @Test func checkpointOfOneSample() {
        var histogram = DecayingHistogram.linearTest()
        histogram.addSample(value: 1, weight: 1, time: Self.anyTime)
        let checkpoint = histogram.checkpoint()
        let bucket = histogram.options.findBucket(1)
        #expect(checkpoint.totalWeight == 1)
        #expect(checkpoint.bucketWeights == [bucket: HistogramCheckpoint.maxCheckpointWeight])
    }

    /// upstream `TestHistogramSaveToCheckpointDropsRelativelySmallValues`.
    @Test func checkpointDropsRelativelySmallBuckets() {
        var histogram = DecayingHistogram.linearTest()
        histogram.addSample(value: 1, weight: 1, time: Self.anyTime)
        histogram.addSample(value: 2, weight: 100_000, time: Self.anyTime)
        let checkpoint = histogram.checkpoint()
        #expect(checkpoint.totalWeight == 100_001)
        #expect(checkpoint.bucketWeights == [histogram.options.findBucket(2): 10_000])
    }

    /// upstream `TestHistogramSaveToCheckpointForMultipleValues`.
    @Test func checkpointScalesToMaxWeight() {
        var histogram = DecayingHistogram.linearTest()
        histogram.addSample(value: 1, weight: 1, time: Self.anyTime)
        histogram.addSample(value: 2, weight: 10_000, time: Self.anyTime)
        histogram.addSample(value: 3, weight: 50, time: Self.anyTime)
        let checkpoint = histogram.checkpoint()
        #expect(checkpoint.totalWeight == 10_051)
        #expect(checkpoint.bucketWeights == [1: 1, 2: 10_000, 3: 50])
    }

    /// upstream `TestHistogramLoadFromCheckpoint`: total 6 spread 1:2 over buckets 0 and 1.
    @Test func loadSpreadsTotalWeightInProportion() throws {
        let checkpoint = HistogramCheckpoint(bucketWeights: [0: 1, 1: 2], totalWeight: 6)
        let histogram = try DecayingHistogram(options: DecayingHistogram.linearTest().options, halfLife: .seconds(3600),
                                              checkpoint: checkpoint)
        #expect(histogram.totalWeight == 6)
        #expect(histogram.bucketWeights[0] == 2)
        #expect(histogram.bucketWeights[1] == 4)
    }

    /// upstream `TestHistogramLoadFromCheckpointReturnsErrorOnNegativeBucket`, `…OnInvalidBucket`,
    /// `…ErrorNegativeTotaWeight`.
    @Test(arguments: [
        (HistogramCheckpoint(bucketWeights: [-1: 1], totalWeight: 1),
         CheckpointError.bucketOutOfRange(bucket: -1, bucketCount: 11)),
        (HistogramCheckpoint(bucketWeights: [99: 1], totalWeight: 1),
         CheckpointError.bucketOutOfRange(bucket: 99, bucketCount: 11)),
        (HistogramCheckpoint(bucketWeights: [:], totalWeight: -1), CheckpointError.invalidTotalWeight(-1)),
    ])
    func loadRejectsInvalidCheckpoint(checkpoint: HistogramCheckpoint, error: CheckpointError) {
        #expect(throws: error) {
            try DecayingHistogram(options: DecayingHistogram.linearTest().options, halfLife: .seconds(3600),
                                  checkpoint: checkpoint)
        }
    }
}
