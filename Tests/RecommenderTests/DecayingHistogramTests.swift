import Recommender
import Testing
import VPAModel

/// upstream pkg/recommender/util/decaying_histogram_test.go (1-hour half-life, linear test buckets).
struct DecayingHistogramTests {
    static let startTime = TestTime.startTime
    static let valueEpsilon = 1e-15

    static func hoursAfterStart(_ hours: Int64) -> Timestamp {
        TestTime.at(startTime, plus: hours * TestTime.hour)
    }

    /// upstream `TestPercentilesEmptyDecayingHistogram`.
    @Test func percentilesOfEmptyHistogramAreZero() {
        let histogram = DecayingHistogram.linearTest()
        for percentile in stride(from: -0.5, through: 1.5, by: 0.5) {
            #expect(histogram.percentile(percentile) == 0)
        }
    }

    /// upstream `TestSimpleDecay`: 20 half-lives later a weight-1 sample outweighs a weight-1000 one
    /// more than 1000 times.
    @Test func oldSampleDecays() {
        var histogram = DecayingHistogram.linearTest()
        histogram.addSample(value: 2, weight: 1000, time: Self.startTime)
        histogram.addSample(value: 1, weight: 1, time: Self.hoursAfterStart(20))
        #expect(isClose(histogram.percentile(0.999), 2, relative: Self.valueEpsilon))
        #expect(isClose(histogram.percentile(1.0), 3, relative: Self.valueEpsilon))
    }

    /// upstream `TestLongtermDecay`: past 2^maxDecayExponent the reference moves and the old sample
    /// drops below epsilon.
    @Test func longTermDecayMovesReference() {
        var histogram = DecayingHistogram.linearTest()
        histogram.addSample(value: 2, weight: 1, time: Self.startTime)
        histogram.addSample(value: 1, weight: 1, time: Self.hoursAfterStart(101))
        #expect(isClose(histogram.percentile(1.0), 2, relative: Self.valueEpsilon))
    }

    /// upstream `TestDecayingHistogramPercentiles`: values and weights 1…4, one half-life apart.
    @Test func percentilesWithDecay() {
        var histogram = DecayingHistogram.linearTest()
        for value in 1...4 {
            histogram.addSample(value: Double(value), weight: Double(value),
                                time: Self.hoursAfterStart(Int64(value - 1)))
        }
        let expected: [(Double, Double)] = [(0.00, 2), (0.02, 2), (0.03, 3), (0.10, 3), (0.11, 4), (0.34, 4),
                                            (0.35, 5), (1.00, 5)]
        for (percentile, value) in expected {
            #expect(isClose(histogram.percentile(percentile), value, relative: Self.valueEpsilon), "p\(percentile)")
        }
    }

    /// upstream `TestNoDecay`: at one time the decaying histogram is a plain histogram.
    @Test func noDecayAtFixedTime() {
        var histogram = DecayingHistogram.linearTest()
        for value in 1...4 {
            histogram.addSample(value: Double(value), weight: Double(value), time: Self.startTime)
        }
        let expected: [(Double, Double)] = [(0.0, 2), (0.2, 3), (0.1, 2), (0.3, 3), (0.4, 4), (0.5, 4), (0.6, 4),
                                            (0.7, 5), (0.8, 5), (0.9, 5), (1.0, 5)]
        for (percentile, value) in expected {
            #expect(isClose(histogram.percentile(percentile), value, relative: Self.valueEpsilon), "p\(percentile)")
        }
    }

    /// A sample one half-life older carries half the weight.
    @Test func weightHalvesAfterOneHalfLife() {
        var histogram = DecayingHistogram.cpu(halfLife: .seconds(24 * 3600))
        let now = TestTime.at(TestTime.wholeHour, plus: 5 * TestTime.day)
        histogram.addSample(value: 0.5, weight: 1, time: TestTime.at(now, plus: -TestTime.day))
        let older = histogram.totalWeight
        histogram.addSample(value: 2.0, weight: 1, time: now)
        let newer = histogram.totalWeight - older
        #expect(isClose(older * 2, newer))
        // Two half-lives: a quarter.
        histogram.addSample(value: 4.0, weight: 1, time: TestTime.at(now, plus: -2 * TestTime.day))
        #expect(isClose((histogram.totalWeight - older - newer) * 4, newer))
    }

    /// The reference time is a whole number of half-lives from Go's zero time, nearest to the first
    /// sample (Go `time.Time.Round`).
    @Test func referenceIsRoundedToHalfLife() throws {
        var histogram = DecayingHistogram.linearTest()
        histogram.addSample(value: 2, weight: 1, time: Self.startTime)  // 2009-02-13T23:31:30Z
        let reference = try #require(histogram.referenceTimestamp)
        #expect(reference.unixMilliseconds == 1_234_569_600_000)  // 2009-02-14T00:00:00Z
    }

    /// upstream `TestDecayingHistogramSaveToCheckpoint`.
    @Test func checkpointCarriesReference() throws {
        var histogram = DecayingHistogram.linearTest()
        histogram.addSample(value: 2, weight: 1, time: Self.hoursAfterStart(100))
        let reference = try #require(histogram.referenceTimestamp)
        let checkpoint = histogram.checkpoint()
        #expect(checkpoint.referenceTimestamp == reference)
        #expect(!checkpoint.bucketWeights.isEmpty)
        #expect(checkpoint.totalWeight != 0)
    }

    /// upstream `TestDecayingHistogramLoadFromCheckpoint`.
    @Test func loadRestoresReference() throws {
        let timestamp = Timestamp(unixMilliseconds: 1_514_862_245_000)  // 2018-01-02T03:04:05Z
        let checkpoint = HistogramCheckpoint(referenceTimestamp: timestamp, bucketWeights: [0: 1], totalWeight: 6)
        let histogram = try DecayingHistogram(options: DecayingHistogram.linearTest().options, halfLife: .seconds(3600),
                                              checkpoint: checkpoint)
        #expect(!histogram.isEmpty)
        #expect(histogram.referenceTimestamp == timestamp)
    }

    /// Subtracting what was added leaves an empty histogram.
    @Test func subtractUndoesAdd() {
        var histogram = DecayingHistogram.memory(halfLife: .seconds(24 * 3600))
        let time = TestTime.at(Self.startTime, plus: 3 * TestTime.day)
        histogram.addSample(value: 3e8, weight: 1, time: Self.startTime)
        histogram.subtractSample(value: 3e8, weight: 1, time: Self.startTime)
        #expect(histogram.isEmpty)
        #expect(histogram.percentile(0.9) == 0)
        histogram.addSample(value: 3e8, weight: 1, time: time)
        #expect(!histogram.isEmpty)
    }
}
