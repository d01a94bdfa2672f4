import Recommender
import Testing
import VPAModel

/// The recommender's formatting flags, controlled resources and per-VPA configuration, translated
/// from upstream's tests (vertical-pod-autoscaler/pkg/recommender, kubernetes/autoscaler 55c37cd5).
struct UpstreamPolicyFormattingTests {
    static func configuration(roundCPU: Int64 = 1, roundMemory: Int64 = 1, humanize: Bool = false) -> RecommenderConfiguration {
        var configuration = RecommenderConfiguration()
        configuration.roundCPUMillicores = roundCPU
        configuration.roundMemoryBytes = roundMemory
        configuration.humanizeMemory = humanize
        return configuration
    }

    static func formatted(cpu: Int64, memory: Int64, _ configuration: RecommenderConfiguration) -> ResourceList {
        let list = ResourceList(cpuMillicores: cpu, memoryBytes: memory)
        return ResourceEstimate(target: list, lowerBound: list, upperBound: list).formatted(with: configuration).target
    }

    /// Bytes of a quantity such as "800.61Mi", as `resource.MustParse(…).Value()` gives them.
    static func bytes(_ text: String) throws -> Int64 { try Quantity.parse(text).value }

    // upstream: pkg/recommender/model/types_test.go TestResourcesAsResourceList, seven cases
    @Test(arguments: [
        ("basic resources without humanize and no rounding", Int64(1000), Int64(1024), false, Int64(1), Int64(1), Int64(1000), "1024"),
        ("basic resources with humanize and cpu rounding to 1", 1000, 262_144_000, true, 1, 1, 1000, "250.00Mi"),
        ("basic resources with humanize and memory rounding to 256Mi", 1000, 262_144_000, true, 1, 268_435_456, 1000, "256.00Mi"),
        ("large memory value with humanize and cpu rounding to 3", 1000, 839_500_000, true, 3, 1, 1002, "800.61Mi"),
        ("zero values without humanize and cpu rounding to 2", 0, 0, false, 2, 1, 0, "0"),
        ("large memory value without humanize and cpu rounding to 13", 1_231_241, 839_500_000, false, 13, 1, 1_231_243, "839500000"),
        ("large memory value without humanize and with memory rounding to 128Mi", 1_231_241, 839_500_000, false, 13, 134_217_728,
         1_231_243, "896Mi"),
    ] as [(String, Int64, Int64, Bool, Int64, Int64, Int64, String)])
    func resourcesAsResourceList(name: String, cpu: Int64, memory: Int64, humanize: Bool, roundCPU: Int64, roundMemory: Int64,
                                 expectedCPU: Int64, expectedMemory: String) throws {
        let list = Self.formatted(cpu: cpu, memory: memory, Self.configuration(roundCPU: roundCPU, roundMemory: roundMemory, humanize: humanize))
        #expect(list == ResourceList(cpuMillicores: expectedCPU, memoryBytes: try Self.bytes(expectedMemory)), "\(name)")
    }

    // upstream: pkg/recommender/model/types_test.go TestHumanizeMemoryQuantity (the humanized text
    // read back in bytes, as the recommender's status carries it)
    @Test(arguments: [
        (Int64(1024), "1.00Ki"), (1024 * 1024, "1.00Mi"), (1024 * 1024 * 1024, "1.00Gi"), (1024 * 1024 * 1024 * 1024, "1.00Ti"),
        (256 * 1024 * 1024, "256.00Mi"), (1_610_612_736, "1.50Gi"), (1_050_000, "1.00Mi"), (1537, "1.50Ki"),
        (4_992_073_454, "4.65Gi"), (6_499_152_537, "6.05Gi"), (16_357_476_492, "15.23Gi"), (4_022_251_530, "3.75Gi"),
        (13_580_968_030, "12.65Gi"), (15_530_468_536, "14.46Gi"),
    ] as [(Int64, String)])
    func humanizeMemoryQuantity(value: Int64, wanted: String) throws {
        #expect(Self.formatted(cpu: 1, memory: value, Self.configuration(humanize: true)).memoryBytes == (try Self.bytes(wanted)))
    }

    // upstream: pkg/recommender/model/types_test.go TestRoundUpToScale (a scale of 0 or less is refused
    // at the flag: --round-cpu-millicores must be at least 1)
    @Test(arguments: [("Round up to nearest 7", Int64(100), Int64(7), Int64(105)), ("Exact multiple of 10", 100, 10, 100),
                      ("Zero value with scale 5", 0, 5, 0)])
    func roundUpToScale(name: String, value: Int64, scale: Int64, expected: Int64) {
        #expect(Self.formatted(cpu: value, memory: value, Self.configuration(roundCPU: scale, roundMemory: scale))
                == ResourceList(cpuMillicores: expected, memoryBytes: expected), "\(name)")
    }

    // upstream: pkg/recommender/logic/recommender_test.go TestControlledResourcesFiltered and
    // TestControlledResourcesFilteredDefault
    @Test func controlledResourcesFiltered() throws {
        var state = AggregateContainerState()
        _ = state.addCPUSample(millicores: 1, at: TestTime.testTimestamp)
        func recommend(_ resources: [ControlledResource]?) throws -> ContainerRecommendation {
            let vpa = VPAObservation(namespace: "default", name: "vpa", targetKind: "Deployment", targetName: "web", containerPolicies: [
                ContainerResourcePolicy(containerName: "container-1", controlledResources: resources),
            ])
            return try #require(PodResourceRecommender().recommendations(for: vpa, states: ["container-1": state]).first)
        }
        let memoryOnly = try recommend([.memory])
        for list in [memoryOnly.target, memoryOnly.lowerBound, memoryOnly.upperBound, memoryOnly.uncappedTarget] {
            #expect(list.cpuMillicores == nil && list.memoryBytes != nil)
        }
        let both = try recommend([.memory, .cpu])
        for list in [both.target, both.lowerBound, both.upperBound] {
            #expect(list.cpuMillicores != nil && list.memoryBytes != nil)
        }
        #expect(try recommend(nil) == both)
    }

    // upstream: pkg/recommender/model/aggregate_container_state_test.go TestUpdateFromPolicyMemoryAggregationInterval
    // and TestUpdateFromPolicyMemoryAggregationIntervalCount (feature enabled, disabled, nil field)
    @Test(arguments: [true, false])
    func updateFromPolicyMemoryAggregation(featureEnabled: Bool) {
        var base = RecommenderConfiguration()
        base.perVPAConfig = featureEnabled
        var state = AggregateContainerState(configuration: base)
        let policy = ContainerResourcePolicy(containerName: "*", oomBumpUpRatio: 2, oomMinBumpUpBytes: 1 << 30,
                                             memoryAggregationIntervalSeconds: 3600, memoryAggregationIntervalCount: 4)
        state.updateFromPolicy(policy, base: base)
        #expect(state.configuration.memoryAggregationInterval == (featureEnabled ? .seconds(3600) : .seconds(24 * 3600)))
        #expect(state.configuration.memoryAggregationIntervalCount == (featureEnabled ? 4 : 8))
        #expect(state.configuration.oomBumpUpRatio == (featureEnabled ? 2 : 1.2))
        #expect(state.configuration.oomMinBumpUpBytes == (featureEnabled ? Double(1 << 30) : 100 * 1024 * 1024))
        state.updateFromPolicy(ContainerResourcePolicy(containerName: "*"), base: base)
        #expect(state.configuration.memoryAggregationInterval == .seconds(24 * 3600))
        #expect(state.configuration.memoryAggregationIntervalCount == 8)
    }

    // upstream: pkg/recommender/model/aggregate_container_state_test.go TestAggregateContainerStateIsExpiredWithCustomIntervalCount
    @Test func isExpiredWithCustomIntervalCount() {
        var base = RecommenderConfiguration()
        base.perVPAConfig = true
        var state = AggregateContainerState(configuration: base)
        state.updateFromPolicy(ContainerResourcePolicy(containerName: "*", memoryAggregationIntervalCount: 4), base: base)
        _ = state.addCPUSample(millicores: 100, at: TestTime.testTimestamp)
        let window = 4 * TestTime.day
        #expect(!state.isExpired(at: TestTime.at(TestTime.testTimestamp, plus: window - TestTime.hour), createdAt: TestTime.testTimestamp))
        #expect(state.isExpired(at: TestTime.at(TestTime.testTimestamp, plus: window), createdAt: TestTime.testTimestamp))

        var empty = AggregateContainerState(configuration: base)
        empty.updateFromPolicy(ContainerResourcePolicy(containerName: "*", memoryAggregationIntervalCount: 4), base: base)
        #expect(!empty.isExpired(at: TestTime.at(TestTime.testTimestamp, plus: window - TestTime.hour), createdAt: TestTime.testTimestamp))
        #expect(empty.isExpired(at: TestTime.at(TestTime.testTimestamp, plus: window), createdAt: TestTime.testTimestamp))
    }

    /// An OOM kill bumps memory with the VPA's ratio and minimum when the gate is on
    /// (upstream aggregate_container_state.go UpdateFromPolicy → container.go RecordOOM).
    @Test func perVPAOOMBump() {
        var base = RecommenderConfiguration()
        base.perVPAConfig = true
        var state = AggregateContainerState(configuration: base)
        state.updateFromPolicy(ContainerResourcePolicy(containerName: "*", oomBumpUpRatio: 2), base: base)
        let outcome = state.recordOOM(at: TestTime.testTimestamp, memoryRequestBytes: 1 << 30)
        #expect(outcome == .recorded(memoryNeededBytes: 2 << 30))
    }
}
