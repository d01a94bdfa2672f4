import Testing
import Updater
import VPAModel

/// Upstream's capping recommendation processor, translated case by case from
/// vertical-pod-autoscaler/pkg/utils/vpa/capping_test.go (kubernetes/autoscaler 55c37cd5) and run
/// against `RecommendationCapping`. Quantities: `NewScaledQuantity(n, 1)` is n × 10 units, so
/// CPU 3 → 30 cores = 30000m; `"200M"` is 200,000,000 bytes.
@Suite struct UpstreamCappingTests {
    static let megabyte: Int64 = 1_000_000

    static func container(_ name: String, requests: ResourceList = ResourceList(), limits: ResourceList = ResourceList()) -> ContainerUnderVPA {
        ContainerUnderVPA(name: name, actual: ResourceRequirements(requests: requests, limits: limits))
    }

    static func recommendation(_ name: String, target: ResourceList, lower: ResourceList = ResourceList(),
                               upper: ResourceList = ResourceList()) -> ContainerRecommendation {
        ContainerRecommendation(container: name, target: target, lowerBound: lower, upperBound: upper, uncappedTarget: target)
    }

    static func vpa(_ policies: [ContainerResourcePolicy] = []) -> VPAObservation {
        VPAObservation(namespace: "default", name: "vpa", targetKind: "Deployment", targetName: "web", containerPolicies: policies)
    }

    static func limitRange(_ type: LimitRangeObservation.LimitType, min: ResourceList = ResourceList(),
                           max: ResourceList = ResourceList(), defaultLimit: ResourceList = ResourceList()) -> [LimitRangeObservation] {
        [LimitRangeObservation(namespace: "default", name: "limits",
                               items: [.init(type: type, min: min, max: max, defaultLimit: defaultLimit)])]
    }

    static func apply(_ recommendations: [ContainerRecommendation], vpa: VPAObservation = vpa(), containers: [ContainerUnderVPA],
                      limitRanges: [LimitRangeObservation] = []) -> [String: RecommendationCapping.Capped] {
        RecommendationCapping(limitRanges: limitRanges, namespace: "default").apply(recommendations, vpa: vpa, containers: containers)
    }

    // upstream: capping_test.go TestRecommendationNotAvailable
    @Test func recommendationNotAvailable() {
        let result = Self.apply([Self.recommendation("ctr-name-other", target: ResourceList(cpuMillicores: 100, memoryBytes: 50_000 << 20))],
                                containers: [Self.container("ctr-name")])
        #expect(result.isEmpty)
    }

    // upstream: capping_test.go TestRecommendationToLimitCapping, four cases
    @Test(arguments: [
        ("no capping for default policy", nil, false, ResourceList(cpuMillicores: 20_000, memoryBytes: 80_000),
         ResourceList(cpuMillicores: 100_000, memoryBytes: 90_000)),
        ("no capping for RequestsAndLimits policy", ContainerControlledValues.requestsAndLimits, false,
         ResourceList(cpuMillicores: 20_000, memoryBytes: 80_000), ResourceList(cpuMillicores: 100_000, memoryBytes: 90_000)),
        ("capping for RequestsOnly policy", .requestsOnly, false, ResourceList(cpuMillicores: 20_000, memoryBytes: 70_000),
         ResourceList(cpuMillicores: 30_000, memoryBytes: 70_000)),
        ("capping for RequestsOnly policy for limits defined in containerStatus", .requestsOnly, true,
         ResourceList(cpuMillicores: 2500, memoryBytes: 60_000), ResourceList(cpuMillicores: 2500, memoryBytes: 60_000)),
    ] as [(String, ContainerControlledValues?, Bool, ResourceList, ResourceList)])
    func recommendationToLimitCapping(name: String, values: ContainerControlledValues?, statusLimits: Bool,
                                      expectedTarget: ResourceList, expectedUpper: ResourceList) {
        // Spec limits 3 × 10 cores and 7000 × 10 bytes; the status (when set) reports 2.5 cores and 6000 × 10 bytes,
        // which the actual resources (status first) carry.
        let limits = statusLimits ? ResourceList(cpuMillicores: 2500, memoryBytes: 60_000) : ResourceList(cpuMillicores: 30_000, memoryBytes: 70_000)
        let policies = values.map { [ContainerResourcePolicy(containerName: "*", controlledValues: $0)] } ?? []
        let result = Self.apply([Self.recommendation("ctr-name", target: ResourceList(cpuMillicores: 20_000, memoryBytes: 80_000),
                                                     upper: ResourceList(cpuMillicores: 100_000, memoryBytes: 90_000))],
                                vpa: Self.vpa(policies), containers: [Self.container("ctr-name", limits: limits)])
        let capped = result["ctr-name"]
        #expect(capped?.recommendation.target == expectedTarget, "\(name)")
        #expect(capped?.recommendation.upperBound == expectedUpper, "\(name)")
        #expect((capped?.notes.contains("memory capped to container limit") ?? false) == (values == .requestsOnly), "\(name)")
    }

    // upstream: capping_test.go TestRecommendationCappedToMinMaxPolicy
    @Test func recommendationCappedToMinMaxPolicy() throws {
        let policy = ContainerResourcePolicy(containerName: "ctr-name",
                                             minAllowed: ResourceList(cpuMillicores: 400_000, memoryBytes: 40_000),
                                             maxAllowed: ResourceList(cpuMillicores: 450_000, memoryBytes: 45_000))
        let result = Self.apply([Self.recommendation("ctr-name", target: ResourceList(cpuMillicores: 300_000, memoryBytes: 50_000),
                                                     lower: ResourceList(cpuMillicores: 200_000, memoryBytes: 43_000),
                                                     upper: ResourceList(cpuMillicores: 500_000, memoryBytes: 55_000))],
                                vpa: Self.vpa([policy]), containers: [Self.container("ctr-name")])
        let capped = try #require(result["ctr-name"])
        #expect(capped.recommendation.target == ResourceList(cpuMillicores: 400_000, memoryBytes: 45_000))
        #expect(capped.recommendation.lowerBound == ResourceList(cpuMillicores: 400_000, memoryBytes: 43_000))
        #expect(capped.recommendation.upperBound == ResourceList(cpuMillicores: 450_000, memoryBytes: 45_000))
        #expect(capped.notes.contains("cpu capped to minAllowed"))
        #expect(capped.notes.contains("memory capped to maxAllowed"))
    }

    // upstream: capping_test.go TestApplyCapsToLimitRange
    @Test func applyCapsToLimitRange() throws {
        let container = Self.container("container", requests: ResourceList(cpuMillicores: 1000, memoryBytes: 1000 * Self.megabyte),
                                       limits: ResourceList(cpuMillicores: 1000, memoryBytes: 1000 * Self.megabyte))
        let result = Self.apply([Self.recommendation("container", target: ResourceList(cpuMillicores: 2000, memoryBytes: 200 * Self.megabyte))],
                                containers: [container],
                                limitRanges: Self.limitRange(.container, min: ResourceList(memoryBytes: 500 * Self.megabyte),
                                                             max: ResourceList(cpuMillicores: 1000)))
        let capped = try #require(result["container"])
        #expect(capped.recommendation.target == ResourceList(cpuMillicores: 1000, memoryBytes: 500 * Self.megabyte))
        #expect(Set(capped.notes) == ["cpu capped to fit Max in container LimitRange", "memory capped to fit Min in container LimitRange"])
    }

    // upstream: capping_test.go TestApplyPodLimitRange, seven cases (targets of the pod's containers
    // scaled together to the Pod LimitRange item)
    struct PodCase: Sendable, CustomTestStringConvertible {
        var name: String
        var targets: [(String, Int64)]
        var containers: [(String, Int64, Int64)]
        var resource: ControlledResource
        var min: Int64 = 0
        var max: Int64 = 0
        var expected: [String: Int64]
        var testDescription: String { name }
    }

    static let podCases: [PodCase] = [
        PodCase(name: "cap target cpu to max", targets: [("container1", 1000), ("container2", 1000)],
                containers: [("container1", 1000, 1000), ("container2", 1000, 1000)], resource: .cpu, max: 1000,
                expected: ["container1": 500, "container2": 500]),
        PodCase(name: "cap mem to min", targets: [("container1", 1000 * megabyte), ("container2", 1000 * megabyte)],
                containers: [("container1", 1, 1), ("container2", 1, 1)], resource: .memory, min: 4000 * megabyte,
                expected: ["container1": 2000 * megabyte, "container2": 2000 * megabyte]),
        PodCase(name: "cap mem request to pod min", targets: [("container1", 1000 * megabyte), ("container2", 1000 * megabyte)],
                containers: [("container1", 1, 2), ("container2", 1, 2)], resource: .memory, min: 4000 * megabyte,
                max: 10_000 * megabyte, expected: ["container1": 2000 * megabyte, "container2": 2000 * megabyte]),
        PodCase(name: "cap mem request to pod min, only one container with recommendation",
                targets: [("container1", 1000 * megabyte)],
                containers: [("container1", 1000 * megabyte, 2000 * megabyte), ("container2", 1000 * megabyte, 2000 * megabyte)],
                resource: .memory, min: 4000 * megabyte, max: 10_000 * megabyte, expected: ["container1": 2000 * megabyte]),
        // container1 is not in the pod: dropped here (upstream returns it unchanged).
        PodCase(name: "cap mem request to pod min, extra recommendation",
                targets: [("container1", 1000 * megabyte), ("container2", 1000 * megabyte)],
                containers: [("container2", 1, 2)], resource: .memory, min: 4000 * megabyte, max: 10_000 * megabyte,
                expected: ["container2": 4000 * megabyte]),
        PodCase(name: "cap target cpu to pod min", targets: [("container1", 15), ("container2", 100)],
                containers: [("container1", 1, 1), ("container2", 1, 1)], resource: .cpu, min: 150,
                expected: ["container1": 20, "container2": 131]),
        PodCase(name: "cap target cpu to pod max", targets: [("container1", 15), ("container2", 100)],
                containers: [("container1", 1, 1), ("container2", 1, 1)], resource: .cpu, max: 90,
                expected: ["container1": 11, "container2": 78]),
    ]

    @Test(arguments: podCases)
    func applyPodLimitRange(_ testCase: PodCase) {
        func list(_ amount: Int64) -> ResourceList {
            testCase.resource == .cpu ? ResourceList(cpuMillicores: amount) : ResourceList(memoryBytes: amount)
        }
        let result = Self.apply(testCase.targets.map { Self.recommendation($0.0, target: list($0.1)) },
                                containers: testCase.containers.map { Self.container($0.0, requests: list($0.1), limits: list($0.2)) },
                                limitRanges: Self.limitRange(.pod, min: testCase.min == 0 ? ResourceList() : list(testCase.min),
                                                             max: testCase.max == 0 ? ResourceList() : list(testCase.max)))
        let targets = result.mapValues { testCase.resource == .cpu ? $0.recommendation.target.cpuMillicores : $0.recommendation.target.memoryBytes }
        #expect(targets == testCase.expected.mapValues { Optional($0) })
    }

    // upstream: capping_test.go TestApplyLimitRangeMinToRequest, six cases
    @Test func applyLimitRangeMinToRequest() throws {
        let megabyte = Self.megabyte
        let target = ResourceList(cpuMillicores: 1000, memoryBytes: 200 * megabyte)
        let requestsOnly = [ContainerResourcePolicy(containerName: "*", controlledValues: .requestsOnly)]
        let requestsAndLimits = [ContainerResourcePolicy(containerName: "*", controlledValues: .requestsAndLimits)]
        func container(_ name: String, limitMemory: Int64) -> ContainerUnderVPA {
            Self.container(name, requests: ResourceList(cpuMillicores: 1000, memoryBytes: 50 * megabyte),
                           limits: ResourceList(cpuMillicores: 1000, memoryBytes: limitMemory))
        }

        // "caps to min range if above container limit"
        var result = Self.apply([Self.recommendation("container", target: target)], containers: [container("container", limitMemory: 600 * megabyte)],
                                limitRanges: Self.limitRange(.container, min: ResourceList(memoryBytes: 500 * megabyte)))
        #expect(result["container"]?.recommendation.target == ResourceList(cpuMillicores: 1000, memoryBytes: 500 * megabyte))
        #expect(result["container"]?.notes == ["memory capped to fit Min in container LimitRange"])

        // "caps to container limit if below container limit"
        result = Self.apply([Self.recommendation("container", target: target)], vpa: Self.vpa(requestsOnly),
                            containers: [container("container", limitMemory: 100 * megabyte)],
                            limitRanges: Self.limitRange(.container, min: ResourceList(memoryBytes: 500 * megabyte)))
        #expect(result["container"]?.recommendation.target == ResourceList(cpuMillicores: 1000, memoryBytes: 100 * megabyte))
        #expect(Set(result["container"]?.notes ?? []) == ["memory capped to fit Min in container LimitRange", "memory capped to container limit"])

        // "caps to pod limit if below pod limit"
        result = Self.apply([Self.recommendation("container", target: target)], vpa: Self.vpa(requestsOnly),
                            containers: [container("container", limitMemory: 100 * megabyte)],
                            limitRanges: Self.limitRange(.pod, min: ResourceList(memoryBytes: 500 * megabyte)))
        #expect(result["container"]?.recommendation.target == ResourceList(cpuMillicores: 1000, memoryBytes: 100 * megabyte))
        #expect(result["container"]?.notes == ["memory capped to container limit"])

        // "Should use container status limits when lower than both recommendation and pod limit range":
        // the actual (status) resources 5m/50M requests, 5m/100M limits win over the spec's 10/1G.
        let fromStatus = ContainerUnderVPA(
            name: "container", actual: ResourceRequirements(requests: ResourceList(cpuMillicores: 5, memoryBytes: 50 * megabyte),
                                                           limits: ResourceList(cpuMillicores: 5, memoryBytes: 100 * megabyte)),
            desired: ResourceRequirements(requests: ResourceList(cpuMillicores: 10_000, memoryBytes: 1000 * megabyte),
                                          limits: ResourceList(cpuMillicores: 10_000, memoryBytes: 1000 * megabyte)))
        result = Self.apply([Self.recommendation("container", target: target)], vpa: Self.vpa(requestsOnly), containers: [fromStatus],
                            limitRanges: Self.limitRange(.pod, min: ResourceList(cpuMillicores: 2000, memoryBytes: 500 * megabyte)))
        #expect(result["container"]?.recommendation.target == ResourceList(cpuMillicores: 5, memoryBytes: 100 * megabyte))
        #expect(Set(result["container"]?.notes ?? []) == ["memory capped to container limit", "cpu capped to container limit"])

        // "caps to pod limit if below pod limit one container with recommendation and one without"
        result = Self.apply([Self.recommendation("container1", target: target)], vpa: Self.vpa(requestsAndLimits),
                            containers: [container("container1", limitMemory: 100 * megabyte), container("container2", limitMemory: 100 * megabyte)],
                            limitRanges: Self.limitRange(.pod, min: ResourceList(memoryBytes: 500 * megabyte)))
        #expect(result["container1"]?.recommendation.target == ResourceList(cpuMillicores: 1000, memoryBytes: 400 * megabyte))
        #expect(result["container1"]?.notes == [])
        // Upstream also returns container2 at its scaled request (100M); the updater acts only on
        // containers with a recommendation, so it is not returned here.
        #expect(result["container2"] == nil)

        // "caps to pod limit if below pod limit two containers with recommendation"
        result = Self.apply([Self.recommendation("container1", target: target), Self.recommendation("container2", target: target)],
                            vpa: Self.vpa(requestsAndLimits),
                            containers: [container("container1", limitMemory: 100 * megabyte), container("container2", limitMemory: 100 * megabyte)],
                            limitRanges: Self.limitRange(.pod, min: ResourceList(memoryBytes: 500 * megabyte)))
        #expect(result["container1"]?.recommendation.target == ResourceList(cpuMillicores: 1000, memoryBytes: 250 * megabyte))
        #expect(result["container2"]?.recommendation.target == ResourceList(cpuMillicores: 1000, memoryBytes: 250 * megabyte))
    }

    // upstream: capping_test.go TestCapPodMemoryWithUnderByteSplit, two cases
    @Test(arguments: [("cap to max", Int64(0), Int64(1) << 30, Int64(357_913_941), Int64(715_827_882)),
                      ("cap to min", Int64(4) << 30, Int64(0), Int64(1_431_655_765), Int64(2_863_311_530))])
    func capPodMemoryWithUnderByteSplit(name: String, min: Int64, max: Int64, first: Int64, second: Int64) {
        let containers = ["container-1", "container-2"].map {
            Self.container($0, requests: ResourceList(memoryBytes: 50 * Self.megabyte), limits: ResourceList(memoryBytes: 50 * Self.megabyte))
        }
        let result = Self.apply([Self.recommendation("container-1", target: ResourceList(memoryBytes: 1 << 30)),
                                 Self.recommendation("container-2", target: ResourceList(memoryBytes: 2 << 30))],
                                containers: containers,
                                limitRanges: Self.limitRange(.pod, min: min == 0 ? ResourceList() : ResourceList(memoryBytes: min),
                                                             max: max == 0 ? ResourceList() : ResourceList(memoryBytes: max)))
        #expect(result["container-1"]?.recommendation.target.memoryBytes == first, "\(name)")
        #expect(result["container-2"]?.recommendation.target.memoryBytes == second, "\(name)")
    }

    // upstream: pkg/utils/limitrange/limit_range_calculator_test.go TestGetContainerLimitRangeItem
    // ("respects min"/"respects max": the lowest max and highest min of several LimitRanges win;
    // items of other types and namespaces are ignored).
    @Test func limitRangesCombineAsUpstreamsCalculator() throws {
        let ranges = [
            LimitRangeObservation(namespace: "default", name: "a", items: [
                .init(type: .container, min: ResourceList(cpuMillicores: 100), max: ResourceList(cpuMillicores: 2000, memoryBytes: 4 << 30)),
                .init(type: .pod, max: ResourceList(cpuMillicores: 1)),
            ]),
            LimitRangeObservation(namespace: "default", name: "b", items: [
                .init(type: .container, min: ResourceList(cpuMillicores: 200, memoryBytes: 1 << 20), max: ResourceList(cpuMillicores: 3000),
                      defaultLimit: ResourceList(cpuMillicores: 500)),
            ]),
            LimitRangeObservation(namespace: "other", name: "c", items: [.init(type: .container, max: ResourceList(cpuMillicores: 1))]),
        ]
        let item = try #require(LimitRangeObservation.Item.combined(ranges, namespace: "default", type: .container))
        #expect(item.min == ResourceList(cpuMillicores: 200, memoryBytes: 1 << 20))
        #expect(item.max == ResourceList(cpuMillicores: 2000, memoryBytes: 4 << 30))
        #expect(item.defaultLimit == ResourceList(cpuMillicores: 500))
        #expect(LimitRangeObservation.Item.combined(ranges, namespace: "empty", type: .container) == nil)
    }
}
