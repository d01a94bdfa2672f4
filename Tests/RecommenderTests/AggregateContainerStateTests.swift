import Recommender
import Testing
import VPAModel

/// upstream pkg/recommender/model/container_test.go and aggregate_container_state_test.go. Upstream
/// checks calls on a mock histogram; these compare the state's histograms with histograms built from
/// the samples upstream expects.
struct AggregateContainerStateTests {
    static let start = TestTime.testTimestamp
    static let interval = TestTime.day
    static let configuration = RecommenderConfiguration()

    static func expectedMemoryPeaks(_ samples: [(bytes: Int64, time: Timestamp)]) -> DecayingHistogram {
        var histogram = DecayingHistogram.memory(halfLife: configuration.memoryHistogramDecayHalfLife)
        for sample in samples {
            histogram.addSample(value: Double(sample.bytes), weight: 1.0, time: sample.time)
        }
        return histogram
    }

    static func expectedCPUUsage(_ samples: [(cores: Double, time: Timestamp)]) -> DecayingHistogram {
        var histogram = DecayingHistogram.cpu(halfLife: configuration.cpuHistogramDecayHalfLife)
        for sample in samples {
            histogram.addSample(value: sample.cores, weight: 0.1, time: sample.time)
        }
        return histogram
    }

    /// upstream `TestAggregateContainerUsageSamples` (memory values in MiB so each lands in its own
    /// bucket; CPU weight 0.1, the current upstream constant, instead of the request).
    @Test func aggregatesSamplesAndDiscardsInvalidOnes() {
        var state = AggregateContainerState()
        let step = Self.interval / 2
        let t1 = Self.start, t2 = TestTime.at(Self.start, plus: step), t3 = TestTime.at(Self.start, plus: 2 * step)

        let taken = [
            state.addCPUSample(millicores: 3140, at: t1),
            state.addMemorySample(bytes: 500 * mebibyte, at: t1),
            state.addCPUSample(millicores: 6280, at: t2),
            state.addMemorySample(bytes: 1000 * mebibyte, at: t2),
            state.addCPUSample(millicores: 1570, at: t3),
            state.addMemorySample(bytes: 200 * mebibyte, at: t3),
        ]
        #expect(taken == [true, true, true, true, true, true])

        // Out of order CPU, negative CPU, negative memory, out of order memory.
        let discarded = [
            state.addCPUSample(millicores: 1000, at: t3),
            state.addCPUSample(millicores: -1000, at: TestTime.at(Self.start, plus: 4 * step)),
            state.addMemorySample(bytes: -1000, at: TestTime.at(Self.start, plus: 4 * step)),
            state.addMemorySample(bytes: 300 * mebibyte, at: t2),
        ]
        #expect(discarded == [false, false, false, false])

        #expect(state.cpuUsage == Self.expectedCPUUsage([(3.14, t1), (6.28, t2), (1.57, t3)]))
        // 500 MiB peak of the first interval replaced by 1000 MiB, both at the interval's end; the
        // sample at exactly the end opens the next interval.
        let firstEnd = TestTime.at(Self.start, plus: Self.interval)
        let secondEnd = TestTime.at(firstEnd, plus: Self.interval)
        #expect(state.memoryPeaks
                == Self.expectedMemoryPeaks([(1000 * mebibyte, firstEnd), (200 * mebibyte, secondEnd)]))
        #expect(state.totalCPUSamples == 3)
        #expect(state.firstSampleStart == t1)
        #expect(state.lastSampleStart == t3)
    }

    /// A smaller sample in the same interval leaves the peak alone; a larger one replaces it.
    @Test func memoryPeakIsReplacedOnlyByLargerSampleInSameInterval() {
        var state = AggregateContainerState()
        let end = TestTime.at(Self.start, plus: Self.interval)
        state.addMemorySample(bytes: 300 * mebibyte, at: Self.start)
        state.addMemorySample(bytes: 200 * mebibyte, at: TestTime.at(Self.start, plus: TestTime.hour))
        #expect(state.memoryPeaks == Self.expectedMemoryPeaks([(300 * mebibyte, end)]))
        state.addMemorySample(bytes: 400 * mebibyte, at: TestTime.at(Self.start, plus: 2 * TestTime.hour))
        #expect(state.memoryPeaks == Self.expectedMemoryPeaks([(400 * mebibyte, end)]))
        #expect(isClose(state.memoryPeaks.totalWeight, Self.expectedMemoryPeaks([(400 * mebibyte, end)]).totalWeight))
    }

    /// A sample several intervals later opens the interval containing it.
    @Test func memoryWindowSkipsEmptyIntervals() {
        var state = AggregateContainerState()
        state.addMemorySample(bytes: 300 * mebibyte, at: Self.start)
        let later = TestTime.at(Self.start, plus: 3 * Self.interval + TestTime.hour)
        state.addMemorySample(bytes: 100 * mebibyte, at: later)
        #expect(state.memoryPeaks == Self.expectedMemoryPeaks([
            (300 * mebibyte, TestTime.at(Self.start, plus: Self.interval)),
            (100 * mebibyte, TestTime.at(Self.start, plus: 4 * Self.interval)),
        ]))
    }

    /// Each container instance (pod) has its own peak per interval.
    @Test func eachPodContributesItsOwnPeak() {
        var state = AggregateContainerState()
        let end = TestTime.at(Self.start, plus: Self.interval)
        state.addMemorySample(bytes: 300 * mebibyte, at: Self.start, pod: "a")
        state.addMemorySample(bytes: 500 * mebibyte, at: Self.start, pod: "b")
        #expect(state.memoryPeaks == Self.expectedMemoryPeaks([(300 * mebibyte, end), (500 * mebibyte, end)]))
        // CPU samples are ordered per pod, so both are taken.
        let taken = [state.addCPUSample(millicores: 100, at: Self.start, pod: "a"),
                     state.addCPUSample(millicores: 200, at: Self.start, pod: "b")]
        #expect(taken == [true, true])
        #expect(state.totalCPUSamples == 2)
    }

    /// upstream `TestAggregateContainerStateIsExpired`.
    @Test func expiresAfterEightDays() {
        var state = AggregateContainerState()
        state.addCPUSample(millicores: 100, at: Self.start)
        #expect(!state.isExpired(at: TestTime.at(Self.start, plus: 7 * Self.interval), createdAt: Self.start))
        #expect(state.isExpired(at: TestTime.at(Self.start, plus: 8 * Self.interval), createdAt: Self.start))

        let empty = AggregateContainerState()
        #expect(!empty.isExpired(at: TestTime.at(Self.start, plus: 7 * Self.interval), createdAt: Self.start))
        #expect(empty.isExpired(at: TestTime.at(Self.start, plus: 8 * Self.interval), createdAt: Self.start))
    }

    /// Extreme timestamps saturate instead of trapping.
    /// (Issue 11, item 8: it checked only that nothing trapped; now it checks what the state holds.)
    @Test func extremeTimestampsSaturateAndTheStateStaysUsable() throws {
        var state = AggregateContainerState()
        let taken = [state.addCPUSample(millicores: 100, at: Timestamp(unixMilliseconds: .min)),
                     state.addCPUSample(millicores: 100, at: Timestamp(unixMilliseconds: .max))]
        #expect(taken == [true, true])
        #expect(state.firstSampleStart == Timestamp(unixMilliseconds: .min))
        #expect(state.lastSampleStart == Timestamp(unixMilliseconds: .max))
        #expect(state.totalCPUSamples == 2)
        let memoryTaken = state.addMemorySample(bytes: .max, at: Timestamp(unixMilliseconds: .max - 1))
        #expect(memoryTaken)
        // The bump of a kill at the largest request saturates at the largest amount.
        let oom = state.recordOOM(at: Timestamp(unixMilliseconds: .max), memoryRequestBytes: .max)
        #expect(oom == .recorded(memoryNeededBytes: .max))

        let estimate = Estimator().estimate(state, containerCount: 1)
        for resources in [estimate.lowerBound, estimate.target, estimate.upperBound] {
            let cpu = try #require(resources.cpuMillicores), memory = try #require(resources.memoryBytes)
            #expect(cpu >= 0 && memory >= 0)
        }
        #expect(try #require(estimate.lowerBound.cpuMillicores) <= (try #require(estimate.target.cpuMillicores)))
        #expect(try #require(estimate.target.cpuMillicores) <= (try #require(estimate.upperBound.cpuMillicores)))
        #expect(try #require(estimate.lowerBound.memoryBytes) <= (try #require(estimate.target.memoryBytes)))
        #expect(try #require(estimate.target.memoryBytes) <= (try #require(estimate.upperBound.memoryBytes)))

        // The checkpoint taken at the other end of time restores to the same sample counts.
        let checkpoint = state.checkpoint(at: Timestamp(unixMilliseconds: .min))
        let restored = try AggregateContainerState(checkpoint: checkpoint)
        #expect(restored.totalCPUSamples == 2)
        #expect(restored.firstSampleStart == state.firstSampleStart && restored.lastSampleStart == state.lastSampleStart)
        #expect(!restored.cpuUsage.isEmpty)
    }
}
