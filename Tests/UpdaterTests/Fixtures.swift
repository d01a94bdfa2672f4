import Updater
import VPAModel

/// Builders for the tests: one VPA, pods of one container `app`, times in milliseconds.
enum Fixture {
    static let second: Int64 = 1000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let mebibyte: Int64 = 1 << 20

    /// A `now` far from the epoch, so that "started a day ago" is a positive time.
    static let now = Timestamp(unixMilliseconds: 1_000 * hour)

    static func ago(_ milliseconds: Int64, from reference: Timestamp = now) -> Timestamp {
        Timestamp(unixMilliseconds: reference.unixMilliseconds - milliseconds)
    }

    static func resources(cpu: Int64?, memoryMi: Int64?) -> ResourceList {
        ResourceList(cpuMillicores: cpu, memoryBytes: memoryMi.map { $0 * mebibyte })
    }

    /// Target 1000m/1024Mi, range [800m, 1200m] × [800Mi, 1200Mi].
    static func recommendation(container: String = "app", target: ResourceList = resources(cpu: 1000, memoryMi: 1024),
                               lower: ResourceList = resources(cpu: 800, memoryMi: 800),
                               upper: ResourceList = resources(cpu: 1200, memoryMi: 1200)) -> ContainerRecommendation {
        ContainerRecommendation(container: container, target: target, lowerBound: lower, upperBound: upper,
                                uncappedTarget: target)
    }

    /// Requests outside the recommended range (a scale-up), so an update is wanted at any age.
    static let outsideRange = resources(cpu: 500, memoryMi: 512)
    /// Requests inside the range with resource diff ≈ 0.25, wanted once the pod is 12 h old.
    static let insideRange = resources(cpu: 900, memoryMi: 900)

    /// A running pod with one container `app`, started a day ago, with the default recommendation.
    static func pod(_ name: String, requests: ResourceList = outsideRange, limits: ResourceList = ResourceList(),
                    desiredRequests: ResourceList? = nil, phase: String? = "Running",
                    startTime: Timestamp? = ago(24 * hour), resize: ResizeRecord = ResizeRecord(),
                    recommendations: [ContainerRecommendation] = [recommendation()],
                    lastState: ContainerState? = nil, lastSuccessfulInPlaceResize: Timestamp? = nil) -> PodUnderVPA {
        let actual = ResourceRequirements(requests: requests, limits: limits)
        let desired = ResourceRequirements(requests: desiredRequests ?? requests, limits: limits)
        return PodUnderVPA(name: name, uid: "uid-\(name)", phase: phase, startTime: startTime,
                           containers: [ContainerUnderVPA(name: "app", actual: actual, desired: desired,
                                                          lastState: lastState)],
                           recommendations: recommendations, resize: resize,
                           lastSuccessfulInPlaceResize: lastSuccessfulInPlaceResize)
    }

    /// A resize in `state` that the store first saw at `since`.
    static func resizing(_ state: ResizeState, since: Timestamp?, initiator: ResizeInitiator = .vpa,
                         reason: String = "") -> ResizeRecord {
        ResizeRecord(state: state, since: since, initiator: initiator, reason: reason)
    }

    static func vpa(_ mode: VPAUpdateMode, minReplicas: Int? = nil,
                    policies: [ContainerResourcePolicy] = []) -> VPAObservation {
        VPAObservation(namespace: "default", name: "web", targetKind: "Deployment", targetName: "web",
                       updateMode: mode, minReplicas: minReplicas, containerPolicies: policies)
    }

    /// The plan for `pods` as one group whose configured replicas default to the pod count.
    static func plan(_ mode: VPAUpdateMode, _ pods: [PodUnderVPA], configuredReplicas: Int? = nil,
                     minReplicas: Int? = nil, policies: [ContainerResourcePolicy] = [], now: Timestamp = now,
                     configuration: UpdaterConfiguration = UpdaterConfiguration()) -> UpdatePlan {
        UpdatePlanner(configuration: configuration)
            .plan(for: vpa(mode, minReplicas: minReplicas, policies: policies),
                  group: ReplicaGroup(configuredReplicas: configuredReplicas ?? pods.count, pods: pods), now: now)
    }

    /// The decision for a single pod planned alone with `minReplicas: 1` (so the budget allows it).
    static func decide(_ mode: VPAUpdateMode, _ pod: PodUnderVPA, now: Timestamp = now,
                       configuration: UpdaterConfiguration = UpdaterConfiguration(),
                       policies: [ContainerResourcePolicy] = []) -> PodDecision {
        plan(mode, [pod], minReplicas: 1, policies: policies, now: now, configuration: configuration).decisions[0]
    }

    /// Three pods, as upstream's restriction tests use: the first is `pod`, two plain running
    /// pods inside the range (not wanted) make up the group.
    static func decideInGroupOfThree(_ mode: VPAUpdateMode, _ pod: PodUnderVPA, now: Timestamp = now) -> PodDecision {
        let others = ["other-1", "other-2"].map { Fixture.pod($0, requests: resources(cpu: 1000, memoryMi: 1024)) }
        return plan(mode, [pod] + others, now: now).decision(forPod: pod.name)!
    }
}
