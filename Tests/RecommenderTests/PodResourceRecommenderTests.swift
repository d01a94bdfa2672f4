import Recommender
import Testing
import VPAModel

/// End to end: usage history → capped recommendations (upstream routines/recommender.go
/// `UpdateVPAs`, logic/recommender.go).
struct PodResourceRecommenderTests {
    static let vpa = VPAObservation(namespace: "default", name: "web", targetKind: "Deployment", targetName: "web")
    static let start = TestTime.wholeHour

    /// One sample a minute for a day (minutes 0…1439) at a constant usage.
    static func steadyDay(millicores: Int64, bytes: Int64) -> AggregateContainerState {
        var state = AggregateContainerState()
        for minute in Int64(0)..<1440 {
            let time = TestTime.at(start, plus: minute * TestTime.minute)
            state.addCPUSample(millicores: millicores, at: time)
            state.addMemorySample(bytes: bytes, at: time)
        }
        return state
    }

    /// A steady workload converges to its usage plus the 15% margin.
    ///
    /// Asserted: the 90th percentile is the end of the histogram bucket holding the usage (every
    /// sample is in that bucket), and the target is exactly that percentile plus the 15% margin. So
    /// the target is at least 1.15× the usage and exceeds it by at most 1.15× the bucket's relative
    /// width (buckets grow by 5%, but because they start at 0 a bucket of a small value is wider
    /// relative to its start: about 7% for 500 millicores or 600 MiB, 5.5% for 2.3 cores or 3 GiB).
    /// After a day of samples the confidence is ≈ 1, so the upper bound is ≈ 2× (1 + 1/1) and the
    /// lower bound ≈ 0.998× ((1 + 0.001)^−2) the target, since every percentile is the same bucket end.
    @Test(arguments: [(Int64(500), 600 * mebibyte), (Int64(2300), 3 * gibibyte)])
    func steadyWorkloadConverges(millicores: Int64, bytes: Int64) throws {
        let state = Self.steadyDay(millicores: millicores, bytes: bytes)
        let recommendations = PodResourceRecommender().recommendations(for: Self.vpa, states: ["app": state])
        let recommendation = try #require(recommendations.first)
        #expect(recommendations.count == 1)

        let cpuBucket = HistogramOptions.cpu.findBucket(Double(millicores) / 1000)
        let cpuBucketStart = HistogramOptions.cpu.bucketStart(cpuBucket) * 1000
        let cpuBucketEnd = HistogramOptions.cpu.bucketStart(cpuBucket + 1) * 1000
        let memoryBucket = HistogramOptions.memory.findBucket(Double(bytes))
        let memoryBucketStart = HistogramOptions.memory.bucketStart(memoryBucket)
        let memoryBucketEnd = HistogramOptions.memory.bucketStart(memoryBucket + 1)

        let cpuP90 = Estimator.cpuMillicores(atPercentile: 0.9, of: state)
        let memoryP90 = Estimator.memoryBytes(atPercentile: 0.9, of: state)
        #expect(cpuP90 == Int64(cpuBucketEnd))
        #expect(memoryP90 == Int64(memoryBucketEnd))

        let cpu = try #require(recommendation.target.cpuMillicores)
        let memory = try #require(recommendation.target.memoryBytes)
        #expect(cpu == Estimator.addingMargin(0.15, to: cpuP90))
        #expect(memory == Estimator.addingMargin(0.15, to: memoryP90))
        let cpuRatio = Double(cpu) / Double(millicores), memoryRatio = Double(memory) / Double(bytes)
        #expect(cpuRatio >= 1.15 && cpuRatio <= 1.15 * cpuBucketEnd / cpuBucketStart)
        #expect(memoryRatio >= 1.15 && memoryRatio <= 1.15 * memoryBucketEnd / memoryBucketStart)
        #expect(cpuRatio < 1.25 && memoryRatio < 1.25)

        let upper = try #require(recommendation.upperBound.cpuMillicores)
        let lower = try #require(recommendation.lowerBound.cpuMillicores)
        #expect(isClose(Double(upper) / Double(cpu), 2.0, relative: 0.01))
        #expect(isClose(Double(lower) / Double(cpu), 0.998, relative: 0.005))
        let upperMemory = try #require(recommendation.upperBound.memoryBytes)
        #expect(isClose(Double(upperMemory) / Double(memory), 2.0, relative: 0.01))
        #expect(recommendation.uncappedTarget == recommendation.target)
    }

    /// The pod minimum is split across the containers that are scaled; `mode: Off` containers get no
    /// recommendation and do not count. Results are sorted by container name.
    @Test func scalingOffContainerIsSkippedAndMinimumSplit() {
        let sidecarOff = ContainerResourcePolicy(containerName: "sidecar", scalingOff: true)
        let vpa = VPAObservation(namespace: "default", name: "web", targetKind: "Deployment", targetName: "web",
                                 containerPolicies: [sidecarOff])
        let idle = Self.steadyDay(millicores: 1, bytes: mebibyte)
        let states = ["worker": idle, "app": idle, "sidecar": idle]
        let recommendations = PodResourceRecommender().recommendations(for: vpa, states: states)
        #expect(recommendations.map(\.container) == ["app", "worker"])
        for recommendation in recommendations {
            #expect(recommendation.target == ResourceList(cpuMillicores: 12, memoryBytes: 131_072_000))
        }
    }

    /// A "*" policy applies to containers without their own entry; their own entry wins.
    @Test func wildcardPolicy() {
        let vpa = VPAObservation(namespace: "default", name: "web", targetKind: "Deployment", targetName: "web",
                                 containerPolicies: [ContainerResourcePolicy(containerName: "*", scalingOff: true),
                                                     ContainerResourcePolicy(containerName: "app")])
        let idle = Self.steadyDay(millicores: 1, bytes: mebibyte)
        let recommendations = PodResourceRecommender().recommendations(for: vpa, states: ["app": idle, "log": idle])
        #expect(recommendations.map(\.container) == ["app"])
        #expect(recommendations.first?.target == ResourceList(cpuMillicores: 25, memoryBytes: 262_144_000))
    }

    /// The policy caps the target and bounds; the uncapped target is what the history says.
    @Test func policyCapsRecommendation() throws {
        let policy = ContainerResourcePolicy(containerName: "app",
                                             maxAllowed: ResourceList(cpuMillicores: 300, memoryBytes: gibibyte))
        let vpa = VPAObservation(namespace: "default", name: "web", targetKind: "Deployment", targetName: "web",
                                 containerPolicies: [policy])
        let state = Self.steadyDay(millicores: 500, bytes: 600 * mebibyte)
        let recommendations = PodResourceRecommender().recommendations(for: vpa, states: ["app": state])
        let recommendation = try #require(recommendations.first)
        #expect(recommendation.target.cpuMillicores == 300)
        #expect(recommendation.upperBound.cpuMillicores == 300)
        #expect(recommendation.upperBound.memoryBytes == gibibyte)
        let uncapped = try #require(recommendation.uncappedTarget.cpuMillicores)
        #expect(uncapped > 500)
        #expect(recommendation.target.memoryBytes == recommendation.uncappedTarget.memoryBytes)
    }

    /// The global cap from the configuration applies without a policy.
    @Test func globalCapApplies() {
        var configuration = RecommenderConfiguration()
        configuration.containerRecommendationMaxAllowedCPUMillicores = 250
        let state = Self.steadyDay(millicores: 500, bytes: 600 * mebibyte)
        let recommendations = PodResourceRecommender(configuration: configuration)
            .recommendations(for: Self.vpa, states: ["app": state])
        #expect(recommendations.first?.target.cpuMillicores == 250)
    }

    /// After an OOM kill at a 256 Mi request, memory goes to at least 356 Mi plus the margin.
    @Test func oomRaisesMemoryRecommendation() throws {
        var state = Self.steadyDay(millicores: 100, bytes: 200 * mebibyte)
        let killedAt = TestTime.at(Self.start, plus: 1439 * TestTime.minute)
        let outcome = state.recordOOM(at: killedAt, memoryRequestBytes: 256 * mebibyte)
        #expect(outcome == .recorded(memoryNeededBytes: 356 * mebibyte))
        let recommendations = PodResourceRecommender().recommendations(for: Self.vpa, states: ["app": state])
        let recommendation = try #require(recommendations.first)
        let memory = try #require(recommendation.target.memoryBytes)
        #expect(Double(memory) >= Double(356 * mebibyte) * 1.15)
    }

    @Test func noStatesNoRecommendations() {
        #expect(PodResourceRecommender().recommendations(for: Self.vpa, states: [:]).isEmpty)
    }
}
