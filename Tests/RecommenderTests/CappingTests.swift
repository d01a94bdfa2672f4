import Recommender
import Testing
import VPAModel

/// Capping to the container policy: upstream pkg/utils/vpa/capping.go `applyVPAPolicyForContainer`
/// (capping_test.go `TestApplyVPAPolicy` cases).
struct CappingTests {
    static let recommendation = ContainerRecommendation(
        container: "app",
        target: ResourceList(cpuMillicores: 500, memoryBytes: 500 * mebibyte),
        lowerBound: ResourceList(cpuMillicores: 100, memoryBytes: 100 * mebibyte),
        upperBound: ResourceList(cpuMillicores: 2000, memoryBytes: 2 * gibibyte),
        uncappedTarget: ResourceList(cpuMillicores: 500, memoryBytes: 500 * mebibyte))

    @Test func noPolicyChangesNothing() {
        #expect(Self.recommendation.capped(to: nil) == Self.recommendation)
    }

    /// Target and both bounds are capped; the uncapped target is kept.
    @Test func maxAllowedCapsTargetAndBounds() {
        let policy = ContainerResourcePolicy(containerName: "app",
                                             maxAllowed: ResourceList(cpuMillicores: 300, memoryBytes: gibibyte))
        let capped = Self.recommendation.capped(to: policy)
        #expect(capped.target == ResourceList(cpuMillicores: 300, memoryBytes: 500 * mebibyte))
        #expect(capped.lowerBound == ResourceList(cpuMillicores: 100, memoryBytes: 100 * mebibyte))
        #expect(capped.upperBound == ResourceList(cpuMillicores: 300, memoryBytes: gibibyte))
        #expect(capped.uncappedTarget == Self.recommendation.uncappedTarget)
    }

    @Test func minAllowedRaisesTargetAndBounds() {
        let policy = ContainerResourcePolicy(containerName: "app",
                                             minAllowed: ResourceList(cpuMillicores: 1000, memoryBytes: 200 * mebibyte))
        let capped = Self.recommendation.capped(to: policy)
        #expect(capped.target == ResourceList(cpuMillicores: 1000, memoryBytes: 500 * mebibyte))
        #expect(capped.lowerBound == ResourceList(cpuMillicores: 1000, memoryBytes: 200 * mebibyte))
        #expect(capped.upperBound == Self.recommendation.upperBound)
    }

    /// min is applied first, then max: when they conflict, max wins.
    @Test func maxWinsOverMin() {
        let policy = ContainerResourcePolicy(containerName: "app", minAllowed: ResourceList(cpuMillicores: 3000),
                                             maxAllowed: ResourceList(cpuMillicores: 200))
        #expect(Self.recommendation.capped(to: policy).target.cpuMillicores == 200)
    }

    /// A zero limit is ignored, as upstream ignores zero quantities.
    @Test func zeroLimitsAreIgnored() {
        let policy = ContainerResourcePolicy(containerName: "app", minAllowed: ResourceList(cpuMillicores: 0),
                                             maxAllowed: ResourceList(cpuMillicores: 0, memoryBytes: 0))
        #expect(Self.recommendation.capped(to: policy) == Self.recommendation)
    }

    /// The global cap (`--container-recommendation-max-allowed-*`) fills what the policy leaves unset.
    @Test func globalMaxAllowedFillsGaps() {
        let policy = ContainerResourcePolicy(containerName: "app", maxAllowed: ResourceList(cpuMillicores: 400))
        let global = ResourceList(cpuMillicores: 100, memoryBytes: 300 * mebibyte)
        let capped = Self.recommendation.capped(to: policy, globalMaxAllowed: global)
        #expect(capped.target == ResourceList(cpuMillicores: 400, memoryBytes: 300 * mebibyte))
        #expect(Self.recommendation.capped(to: nil, globalMaxAllowed: global).target
                == ResourceList(cpuMillicores: 100, memoryBytes: 300 * mebibyte))
    }
}
