import Recommender
import Testing
import VPAModel

/// OOM kills as memory samples: upstream pkg/recommender/model/container_test.go `TestRecordOOM*`.
struct OOMTests {
    static let start = TestTime.testTimestamp
    static let windowEnd = TestTime.at(start, plus: TestTime.day)
    static let megabyte = mebibyte  // upstream's `mb` is 1024 * 1024

    static func peaks(_ samples: [(bytes: Int64, time: Timestamp)]) -> DecayingHistogram {
        AggregateContainerStateTests.expectedMemoryPeaks(samples)
    }

    /// upstream `TestRecordOOMIncreasedByBumpUp`: 1000 MiB × 1.2.
    @Test func bumpUpByRatio() {
        var state = AggregateContainerState()
        let outcome = state.recordOOM(at: Self.start, memoryRequestBytes: 1000 * Self.megabyte)
        #expect(outcome == .recorded(memoryNeededBytes: 1200 * Self.megabyte))
        #expect(state.memoryPeaks == Self.peaks([(1200 * Self.megabyte, Self.windowEnd)]))
    }

    /// upstream `TestRecordOOMIncreasedByMin`: 1 MiB + 100 MiB.
    @Test func bumpUpByMinimum() {
        var state = AggregateContainerState()
        let outcome = state.recordOOM(at: Self.start, memoryRequestBytes: 1 * Self.megabyte)
        #expect(outcome == .recorded(memoryNeededBytes: 101 * Self.megabyte))
        #expect(state.memoryPeaks == Self.peaks([(101 * Self.megabyte, Self.windowEnd)]))
    }

    /// The request at the kill decides: 256 Mi → 356 Mi (min bump wins), 1 Gi → 1.2 Gi (ratio wins).
    @Test(arguments: [(256 * mebibyte, 356 * mebibyte), (gibibyte, Int64(1_288_490_188))])
    func bumpUsesRequestAtTheKill(request: Int64, needed: Int64) {
        var state = AggregateContainerState()
        let outcome = state.recordOOM(at: Self.start, memoryRequestBytes: request)
        #expect(outcome == .recorded(memoryNeededBytes: needed))
    }

    /// upstream `TestRecordOOMDontRunAway`: smaller kills do not move the OOM peak; a larger one does.
    @Test func repeatedKillsDoNotRunAway() {
        var state = AggregateContainerState()
        state.recordOOM(at: Self.start, memoryRequestBytes: 1000 * Self.megabyte)
        state.recordOOM(at: Self.start, memoryRequestBytes: 999 * Self.megabyte)
        state.recordOOM(at: Self.start, memoryRequestBytes: 999 * Self.megabyte)
        #expect(state.memoryPeaks == Self.peaks([(1200 * Self.megabyte, Self.windowEnd)]))
        state.recordOOM(at: Self.start, memoryRequestBytes: 2000 * Self.megabyte)
        #expect(state.memoryPeaks == Self.peaks([(2400 * Self.megabyte, Self.windowEnd)]))
    }

    /// upstream `TestRecordOOMMaxedWithKnownSample`: the interval's usage peak beats a smaller request.
    @Test func usagePeakAboveRequestIsBumped() {
        var state = AggregateContainerState()
        let taken = state.addMemorySample(bytes: 3000 * Self.megabyte, at: Self.start)
        #expect(taken)
        let outcome = state.recordOOM(at: Self.start, memoryRequestBytes: 1000 * Self.megabyte)
        #expect(outcome == .recorded(memoryNeededBytes: 3600 * Self.megabyte))
        #expect(state.memoryPeaks == Self.peaks([(3600 * Self.megabyte, Self.windowEnd)]))
    }

    /// upstream `TestRecordOOMDiscardsOldSample`: 30 h before the last memory sample is too old.
    @Test func killOlderThanOneIntervalBeforeLastSampleIsDropped() {
        var state = AggregateContainerState()
        state.addMemorySample(bytes: 1000 * Self.megabyte, at: Self.start)
        let before = state
        let outcome = state.recordOOM(at: TestTime.at(Self.start, plus: -30 * TestTime.hour),
                                      memoryRequestBytes: 1000 * Self.megabyte)
        #expect(outcome == .discardedAsStale)
        #expect(state == before)
    }

    /// Issue #8548: a kill just before an interval boundary that a later sample crossed is kept;
    /// staleness counts from the last sample, not from the interval's end.
    @Test func freshKillNearIntervalBoundaryIsKept() {
        var state = AggregateContainerState()
        state.addMemorySample(bytes: 100 * Self.megabyte, at: Self.start)
        let boundary = Self.windowEnd
        state.addMemorySample(bytes: 100 * Self.megabyte, at: TestTime.at(boundary, plus: 30_000))
        let outcome = state.recordOOM(at: TestTime.at(boundary, plus: -30_000), memoryRequestBytes: 500 * Self.megabyte)
        #expect(outcome == .recorded(memoryNeededBytes: 600 * Self.megabyte))
    }

    /// Exactly one interval before the last memory sample is still kept; a millisecond more is not.
    @Test func stalenessEdge() {
        var state = AggregateContainerState()
        state.addMemorySample(bytes: 100 * Self.megabyte, at: Self.start)
        var kept = state, dropped = state
        let keptOutcome = kept.recordOOM(at: TestTime.at(Self.start, plus: -TestTime.day), memoryRequestBytes: 1)
        let droppedOutcome = dropped.recordOOM(at: TestTime.at(Self.start, plus: -TestTime.day - 1),
                                               memoryRequestBytes: 1)
        #expect(keptOutcome != .discardedAsStale)
        #expect(droppedOutcome == .discardedAsStale)
    }

    /// upstream `TestRecordOOMInNewWindow`: a kill two intervals later opens a new interval.
    @Test func killInLaterIntervalOpensNewInterval() {
        var state = AggregateContainerState()
        state.addMemorySample(bytes: 2000 * Self.megabyte, at: Self.start)
        let later = TestTime.at(Self.start, plus: 2 * TestTime.day)
        let outcome = state.recordOOM(at: later, memoryRequestBytes: 1000 * Self.megabyte)
        #expect(outcome == .recorded(memoryNeededBytes: 2400 * Self.megabyte))
        #expect(state.memoryPeaks == Self.peaks([
            (2000 * Self.megabyte, Self.windowEnd),
            (2400 * Self.megabyte, TestTime.at(Self.windowEnd, plus: 2 * TestTime.day)),
        ]))
    }

    /// The bump follows the configuration (`--oom-bump-up-ratio`, `--oom-min-bump-up-bytes`).
    @Test func bumpFollowsConfiguration() {
        var configuration = RecommenderConfiguration()
        configuration.oomBumpUpRatio = 2
        configuration.oomMinBumpUpBytes = 0
        var state = AggregateContainerState(configuration: configuration)
        let outcome = state.recordOOM(at: Self.start, memoryRequestBytes: 300 * mebibyte)
        #expect(outcome == .recorded(memoryNeededBytes: 600 * mebibyte))
    }
}
