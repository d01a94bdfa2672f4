import Foundation
import Recommender
import Testing
import VPAModel

/// Checkpoints: upstream aggregate_container_state_test.go `TestAggregateContainerState*Checkpoint*`
/// and checkpoint_writer.go (the open interval's peak is left out).
struct CheckpointTests {
    static let start = TestTime.testTimestamp

    /// A state with a day and a half of CPU and memory samples from two pods.
    static func history() -> AggregateContainerState {
        var state = AggregateContainerState()
        for minute in Int64(0)..<(36 * 60) {
            let time = TestTime.at(start, plus: minute * TestTime.minute)
            state.addCPUSample(millicores: 200 + minute % 300, at: time, pod: "a")
            state.addCPUSample(millicores: 400, at: time, pod: "b")
            state.addMemorySample(bytes: (300 + minute % 100) * mebibyte, at: time, pod: "a")
            state.addMemorySample(bytes: 500 * mebibyte, at: time, pod: "b")
        }
        return state
    }

    /// upstream `TestAggregateContainerStateSaveToCheckpoint`.
    @Test func savesCountsAndHistograms() {
        let t1 = Timestamp(unixMilliseconds: 1_514_772_184_000), t2 = Timestamp(unixMilliseconds: 1_517_450_584_000)
        var state = AggregateContainerState()
        state.addCPUSample(millicores: 1000, at: t1)
        state.addCPUSample(millicores: 1000, at: t2)
        // Two intervals' peaks a day apart (a month apart, the older would decay to nothing).
        state.addMemorySample(bytes: 1, at: t1)
        state.addMemorySample(bytes: 10_000_000, at: TestTime.at(t1, plus: TestTime.day))
        // Saved once the last memory interval has closed, so both peaks are in it.
        let checkpoint = state.checkpoint(at: TestTime.at(t1, plus: 2 * TestTime.day))
        #expect(checkpoint.version == "v3")
        #expect(checkpoint.firstSampleStart == t1)
        #expect(checkpoint.lastSampleStart == t2)
        #expect(checkpoint.totalSamplesCount == 2)
        #expect(checkpoint.cpuHistogram.bucketWeights.count == 1)
        #expect(checkpoint.memoryHistogram.bucketWeights.count == 2)
    }

    /// The peak of an interval still open at `now` is left out; a closed one is kept.
    @Test func openIntervalPeakIsLeftOut() {
        var state = AggregateContainerState()
        state.addMemorySample(bytes: 300 * mebibyte, at: Self.start)
        let open = state.checkpoint(at: TestTime.at(Self.start, plus: TestTime.hour))
        #expect(open.memoryHistogram.bucketWeights.isEmpty)
        #expect(open.memoryHistogram.totalWeight == 0)
        let closed = state.checkpoint(at: TestTime.at(Self.start, plus: TestTime.day))
        let bucket = HistogramOptions.memory.findBucket(Double(300 * mebibyte))
        #expect(closed.memoryHistogram.bucketWeights == [bucket: 10_000])
        // Saving does not change the state.
        #expect(state.memoryPeaks.totalWeight > 0)
    }

    /// Round trip: a restored state gives the same recommendation and saves the same checkpoint.
    @Test func roundTrip() throws {
        let state = Self.history()
        let now = TestTime.at(Self.start, plus: 48 * TestTime.hour)  // every interval closed
        let checkpoint = state.checkpoint(at: now)
        let restored = try AggregateContainerState(checkpoint: checkpoint)
        #expect(restored.checkpoint(at: now) == checkpoint)
        #expect(restored.totalCPUSamples == state.totalCPUSamples)
        #expect(restored.firstSampleStart == state.firstSampleStart)
        #expect(restored.lastSampleStart == state.lastSampleStart)
        #expect(restored.cpuUsage.referenceTimestamp == state.cpuUsage.referenceTimestamp)
        #expect(Estimator().estimate(restored, containerCount: 1) == Estimator().estimate(state, containerCount: 1))
    }

    /// Round trip through JSON, as the store would keep it.
    @Test func roundTripThroughJSON() throws {
        let checkpoint = Self.history().checkpoint(at: TestTime.at(Self.start, plus: 40 * TestTime.hour))
        let data = try JSONEncoder().encode(checkpoint)
        let decoded = try JSONDecoder().decode(ContainerCheckpoint.self, from: data)
        #expect(decoded == checkpoint)
    }

    /// A restarted recommender continues: new samples add to the restored history.
    @Test func restoredStateContinues() throws {
        let state = Self.history()
        let now = TestTime.at(Self.start, plus: 36 * TestTime.hour)
        var restored = try AggregateContainerState(checkpoint: state.checkpoint(at: now))
        let before = restored.totalCPUSamples
        for minute in Int64(0)..<60 {
            let time = TestTime.at(now, plus: minute * TestTime.minute)
            let taken = [restored.addCPUSample(millicores: 400, at: time, pod: "b2"),
                         restored.addMemorySample(bytes: 500 * mebibyte, at: time, pod: "b2")]
            #expect(taken == [true, true])
        }
        #expect(restored.totalCPUSamples == before + 60)
        #expect(restored.lastSampleStart == TestTime.at(now, plus: 59 * TestTime.minute))
        #expect(restored.memoryPeaks.totalWeight > state.checkpoint(at: now).memoryHistogram.totalWeight)
    }

    /// upstream `TestAggregateContainerStateLoadFromCheckpoint`.
    @Test func loadsCountsAndHistograms() throws {
        let t1 = Timestamp(unixMilliseconds: 1_514_772_184_000), t2 = Timestamp(unixMilliseconds: 1_517_450_584_000)
        let checkpoint = ContainerCheckpoint(
            cpuHistogram: HistogramCheckpoint(bucketWeights: [0: 10], totalWeight: 44),
            memoryHistogram: HistogramCheckpoint(bucketWeights: [0: 10], totalWeight: 33),
            firstSampleStart: t1, lastSampleStart: t2, totalSamplesCount: 20)
        let state = try AggregateContainerState(checkpoint: checkpoint)
        #expect(state.firstSampleStart == t1)
        #expect(state.lastSampleStart == t2)
        #expect(state.totalCPUSamples == 20)
        #expect(!state.cpuUsage.isEmpty)
        #expect(!state.memoryPeaks.isEmpty)
    }

    /// upstream `TestAggregateContainerStateLoadFromCheckpointFailsForVersionMismatch`.
    @Test func rejectsOtherVersions() {
        let checkpoint = ContainerCheckpoint(version: "foo", cpuHistogram: HistogramCheckpoint(),
                                             memoryHistogram: HistogramCheckpoint(), firstSampleStart: nil,
                                             lastSampleStart: nil, totalSamplesCount: 0)
        #expect(throws: CheckpointError.unsupportedVersion("foo")) {
            try AggregateContainerState(checkpoint: checkpoint)
        }
    }

    @Test func rejectsBucketsOutsideTheOptions() {
        let checkpoint = ContainerCheckpoint(cpuHistogram: HistogramCheckpoint(bucketWeights: [176: 1], totalWeight: 1),
                                             memoryHistogram: HistogramCheckpoint(), firstSampleStart: nil,
                                             lastSampleStart: nil, totalSamplesCount: 0)
        #expect(throws: CheckpointError.bucketOutOfRange(bucket: 176, bucketCount: 176)) {
            try AggregateContainerState(checkpoint: checkpoint)
        }
    }

    /// Issue 14, item 1 (kubernetes/autoscaler issue 7726): with the real CPU options, a bucket saved
    /// as weight 1 beside the 10,000 of the heaviest comes back below epsilon when the total weight is
    /// small (a decayed history). It must not stay the histogram's lower bound, or the restored
    /// histogram reads as empty and a restarted recommender falls back to the minimum.
    @Test func aBucketRestoredBelowEpsilonDoesNotEmptyTheHistogram() throws {
        let time = TestTime.wholeHour
        var saved = DecayingHistogram.cpu(halfLife: .seconds(86_400))
        // 0.7 at 2 cores, and exactly epsilon at 0.01 cores: a non-empty low bucket that saves as 1
        // and loads as 0.7 / 10,001 ≈ 7e-5, below epsilon (1e-4).
        saved.addSample(value: 2.0, weight: 0.7, time: time)
        saved.addSample(value: 0.01, weight: HistogramOptions.epsilon, time: time)
        let checkpoint = saved.checkpoint()
        #expect(checkpoint.bucketWeights.values.sorted() == [1, 10_000])
        let restored = try DecayingHistogram(options: .cpu, halfLife: .seconds(86_400), checkpoint: checkpoint)
        let before = saved.percentile(0.9)
        #expect(before > 2.0)
        #expect(restored.percentile(0.9) == before, "p90 \(before) before the round trip, \(restored.percentile(0.9)) after")
    }
}
