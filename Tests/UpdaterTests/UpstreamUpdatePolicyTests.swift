import Testing
import Updater
import VPAModel

/// The per-VPA update policy upstream has: `evictionRequirements`, `evictAfterOOMSeconds`,
/// `controlledValues` in the resize sent, and LimitRanges applied before the updater decides.
@Suite struct UpstreamUpdatePolicyTests {
    static let gibibyte: Int64 = 1 << 30

    /// A pod with requests 500m/10Gi (`test-container` of the upstream tests) and a recommendation
    /// `target` whose range lies above the requests, so an update is wanted at any age and only
    /// the requirements decide (upstream's admission looks at the target alone).
    static let farAbove = ResourceList(cpuMillicores: 100_000, memoryBytes: 100 << 30)
    static func pod(target: ResourceList, requests: ResourceList = ResourceList(cpuMillicores: 500, memoryBytes: 10 << 30)) -> PodUnderVPA {
        Fixture.pod("test-pod", requests: requests,
                    recommendations: [Fixture.recommendation(target: target, lower: farAbove, upper: farAbove)])
    }

    static func decide(_ pod: PodUnderVPA, requirements: [EvictionRequirement]) -> PodDecision {
        var vpa = Fixture.vpa(.recreate, minReplicas: 1)
        vpa.evictionRequirements = requirements
        return UpdatePlanner().plan(for: vpa, group: ReplicaGroup(configuredReplicas: 1, pods: [pod]), now: Fixture.now).decisions[0]
    }

    // upstream: pkg/updater/priority/scaling_direction_pod_eviction_admission_test.go TestAdmitForSingleContainer,
    // the cases whose outcome is decided by the requirements (name, requirement, target, admitted).
    @Test(arguments: [
        ("if Container CPU is scaled up and config allows scaling up CPU",
         [EvictionRequirement(resources: [.cpu], change: .targetHigherThanRequests)], ResourceList(cpuMillicores: 600, memoryBytes: 10 << 30), true),
        ("if Container CPU is scaled down and config allows scaling down CPU",
         [EvictionRequirement(resources: [.cpu], change: .targetLowerThanRequests)], ResourceList(cpuMillicores: 400, memoryBytes: 10 << 30), true),
        ("not if Container CPU is scaled down and config allows only scaling up CPU",
         [EvictionRequirement(resources: [.cpu, .memory], change: .targetHigherThanRequests)], ResourceList(cpuMillicores: 500, memoryBytes: 10 << 30), false),
        ("even if CPU is scaled down and config allows only scaling up CPU, because memory is scaled up",
         [EvictionRequirement(resources: [.cpu, .memory], change: .targetHigherThanRequests)], ResourceList(cpuMillicores: 500, memoryBytes: 11 << 30), true),
        ("if Container memory is scaled up and config allows scaling up memory",
         [EvictionRequirement(resources: [.memory], change: .targetHigherThanRequests)], ResourceList(cpuMillicores: 500, memoryBytes: 11 << 30), true),
        ("if Container memory is scaled down and config allows scaling down memory",
         [EvictionRequirement(resources: [.memory], change: .targetLowerThanRequests)], ResourceList(cpuMillicores: 500, memoryBytes: 9 << 30), true),
        ("not if Container memory is scaled down and config allows only scaling up memory",
         [EvictionRequirement(resources: [.cpu, .memory], change: .targetHigherThanRequests)], ResourceList(cpuMillicores: 500, memoryBytes: 9 << 30), false),
        ("if CPU is scaled up, memory is scaled down and config allows scaling up CPU and scaling down memory",
         [EvictionRequirement(resources: [.cpu], change: .targetHigherThanRequests),
          EvictionRequirement(resources: [.memory], change: .targetLowerThanRequests)], ResourceList(cpuMillicores: 600, memoryBytes: 9 << 30), true),
        ("not if CPU is scaled down, memory is scaled down and config allows scaling up CPU and scaling down memory",
         [EvictionRequirement(resources: [.cpu], change: .targetHigherThanRequests),
          EvictionRequirement(resources: [.memory], change: .targetLowerThanRequests)], ResourceList(cpuMillicores: 400, memoryBytes: 9 << 30), false),
    ] as [(String, [EvictionRequirement], ResourceList, Bool)])
    func admitForSingleContainer(name: String, requirements: [EvictionRequirement], target: ResourceList, admitted: Bool) {
        let decision = Self.decide(Self.pod(target: target), requirements: requirements)
        #expect((decision.action == .evict) == admitted, "\(name): \(decision.reason)")
        if !admitted {
            #expect(decision.cause == .evictionRequirementsNotMet)
            #expect(decision.reason.contains("eviction requirements not met"))
        }
    }

    // upstream: TestAdmitForSingleContainer "it should admit a Pod for eviction if no resource request is present for a Pod"
    @Test func podWithoutRequestsIsAdmitted() {
        let pod = Self.pod(target: ResourceList(cpuMillicores: 600, memoryBytes: 10 << 30), requests: ResourceList())
        let decision = Self.decide(pod, requirements: [EvictionRequirement(resources: [.cpu], change: .targetLowerThanRequests)])
        #expect(decision.action == .evict)
    }

    // upstream: TestAdmitForSingleContainer "…if recommendation is higher than ContainerStatus requests": the
    // actual requests (status, 100m/1Gi) are compared, not the spec's (500m/10Gi).
    @Test func actualRequestsAreCompared() {
        let target = ResourceList(cpuMillicores: 400, memoryBytes: 4 << 30)
        var pod = Self.pod(target: target, requests: ResourceList(cpuMillicores: 100, memoryBytes: 1 << 30))
        pod.containers[0].desired = ResourceRequirements(requests: ResourceList(cpuMillicores: 500, memoryBytes: 10 << 30))
        let decision = Self.decide(pod, requirements: [EvictionRequirement(resources: [.cpu, .memory], change: .targetHigherThanRequests)])
        #expect(decision.action == .evict)
    }

    // upstream: pkg/updater/priority/update_priority_calculator_test.go TestDontUpdatePodWithOOMAfterLongRun
    // and TestUpdatePodWithQuickOOM, with the threshold upstream's getEvictOOMThreshold takes from the
    // VPA's evictAfterOOMSeconds instead of --evict-after-oom-threshold (upstream has no test of it).
    @Test func evictAfterOOMSecondsOverridesTheFlag() {
        let killed = ContainerState.terminated(reason: "OOMKilled", exitCode: 137, startedAt: Fixture.ago(16 * Fixture.minute),
                                               finishedAt: Fixture.ago(Fixture.minute))
        let pod = Fixture.pod("a", requests: Fixture.insideRange, startTime: Fixture.ago(Fixture.hour), lastState: killed)
        var vpa = Fixture.vpa(.recreate, minReplicas: 1)
        let plan = { (vpa: VPAObservation) in
            UpdatePlanner().plan(for: vpa, group: ReplicaGroup(configuredReplicas: 1, pods: [pod]), now: Fixture.now).decisions[0]
        }
        // Lived 15 minutes: not quick under the 10-minute default.
        #expect(plan(vpa).cause == .podTooYoung)
        vpa.evictAfterOOMSeconds = 20 * 60
        #expect(plan(vpa).cause == .quickOOM)
        #expect(plan(vpa).reason.contains("< 20m0s"))
    }

    // upstream: pkg/admission-controller/resource/pod/recommendation/recommendation_provider_test.go
    // TestUpdateResourceRequests "disabled limit scaling" (controlledValues RequestsOnly: limits not
    // set) and "proportional limit - set explicit" (RequestsAndLimits: the limit:request ratio kept).
    @Test func resizeKeepsLimitsUnderRequestsOnly() throws {
        let limits = Fixture.resources(cpu: 1000, memoryMi: 1024)
        let pod = Fixture.pod("a", requests: Fixture.resources(cpu: 500, memoryMi: 512), limits: limits)
        func targets(_ values: ContainerControlledValues) throws -> ResizeRequest.Target {
            let decision = Fixture.decide(.inPlaceOrRecreate, pod,
                                          policies: [ContainerResourcePolicy(containerName: "app", controlledValues: values)])
            return try #require(decision.action.resizeTargets?.first)
        }
        let requestsOnly = try targets(.requestsOnly)
        #expect(requestsOnly.resources.requests == Fixture.resources(cpu: 1000, memoryMi: 1024))
        #expect(requestsOnly.resources.limits == ResourceList())
        let both = try targets(.requestsAndLimits)
        #expect(both.resources.limits == Fixture.resources(cpu: 2000, memoryMi: 2048))
    }

    /// The planner caps before it decides: a recommendation above the namespace's Container
    /// LimitRange max is capped to it, and the decision's reason says so.
    @Test func planCapsToTheNamespacesLimitRange() throws {
        // The max bounds the request through the container's limit:request ratio (1 here); a
        // container without a limit (and no LimitRange default) has no such bound, as upstream.
        let pod = Fixture.pod("a", limits: Fixture.outsideRange)
        let ranges = [LimitRangeObservation(namespace: "default", name: "limits", items: [
            .init(type: .container, max: ResourceList(cpuMillicores: 700)),
        ])]
        let decision = UpdatePlanner().plan(for: Fixture.vpa(.inPlaceOrRecreate, minReplicas: 1),
                                            group: ReplicaGroup(configuredReplicas: 1, pods: [pod]), now: Fixture.now,
                                            limitRanges: ranges).decisions[0]
        let target = try #require(decision.action.resizeTargets?.first)
        #expect(target.resources.requests.cpuMillicores == 700)
        #expect(decision.reason.contains("app: cpu capped to fit Max in container LimitRange"))
        // Another namespace's LimitRange does not apply.
        let elsewhere = [LimitRangeObservation(namespace: "other", name: "limits", items: ranges[0].items)]
        let uncapped = UpdatePlanner().plan(for: Fixture.vpa(.inPlaceOrRecreate, minReplicas: 1),
                                            group: ReplicaGroup(configuredReplicas: 1, pods: [pod]), now: Fixture.now,
                                            limitRanges: elsewhere).decisions[0]
        #expect(uncapped.action.resizeTargets?.first?.resources.requests.cpuMillicores == 1000)
    }
}
