import Testing
import VPAModel

/// DESIGN §3.2, upstream `getResizeStatus` / `CanEvictInPlacingPod`.
struct ResizeRulesTests {
    static func pod(conditions: [PodCondition] = [], legacy: String? = nil, desiredCPU: Int64 = 250,
                    statusCPU: Int64? = 250) -> PodObservation {
        PodObservation(uid: "u1", namespace: "ns", name: "p", resizeConditions: conditions, legacyResizeStatus: legacy,
                       containers: [ContainerObservation(
                           name: "app", desired: ResourceRequirements(requests: ResourceList(cpuMillicores: desiredCPU)),
                           status: ContainerStatusObservation(
                               resources: statusCPU.map { ResourceRequirements(requests: ResourceList(cpuMillicores: $0)) }))])
    }

    @Test(arguments: [
        (PodCondition(type: PodCondition.resizePending, reason: "Deferred"), ResizeState.pendingDeferred),
        (PodCondition(type: PodCondition.resizePending, reason: "Infeasible"), .pendingInfeasible),
        (PodCondition(type: PodCondition.resizePending, reason: "SomethingNew"), .inProgressError),
        (PodCondition(type: PodCondition.resizeInProgress), .inProgress),
        (PodCondition(type: PodCondition.resizeInProgress, reason: "Error", message: "some error"), .inProgressError),
        (PodCondition(type: PodCondition.resizeInProgress, message: "odd"), .inProgressError),
    ])
    func stateFromCondition(condition: PodCondition, expected: ResizeState) {
        #expect(Self.pod(conditions: [condition]).observedResize?.state == expected)
    }

    @Test func conditionThatIsNotTrueIsIgnored() {
        let pod = Self.pod(conditions: [PodCondition(type: PodCondition.resizePending, status: "False", reason: "Deferred")])
        #expect(pod.observedResize == nil)
    }

    @Test func pendingWinsWhenBothConditionsArePresent() {
        let pod = Self.pod(conditions: [PodCondition(type: PodCondition.resizeInProgress),
                                        PodCondition(type: PodCondition.resizePending, reason: "Deferred")])
        #expect(pod.observedResize?.state == .pendingDeferred)
    }

    @Test(arguments: [("Proposed", ResizeState.pendingDeferred), ("Deferred", .pendingDeferred),
                      ("Infeasible", .pendingInfeasible), ("InProgress", .inProgress), ("Bogus", .inProgressError)])
    func stateFromLegacyField(value: String, expected: ResizeState) {
        #expect(Self.pod(legacy: value).observedResize?.state == expected)
    }

    @Test func conditionsWinOverLegacyField() {
        let pod = Self.pod(conditions: [PodCondition(type: PodCondition.resizeInProgress)], legacy: "Infeasible")
        #expect(pod.observedResize?.state == .inProgress)
    }

    @Test func noConditionsNoResize() {
        #expect(Self.pod().observedResize == nil)
    }

    @Test func newDesiredSpecStartsNewResizeEvenInSameState() throws {
        let deferred = [PodCondition(type: PodCondition.resizePending, reason: "Deferred")]
        let before = Self.pod(conditions: deferred, desiredCPU: 500)
        let after = Self.pod(conditions: deferred, desiredCPU: 750)
        let record = ResizeRecord(state: .pendingDeferred, since: Timestamp(unixMilliseconds: 0), initiator: .vpa)
        let transition = try #require(ResizeRules.transition(previous: before, current: after, record: record,
                                                             readsStatus: true, desiredChangeInitiator: .manual))
        #expect(transition.newResize)
        #expect(transition.initiator == .manual)
        #expect(transition.to == .pendingDeferred)
    }

    @Test func sameStateSameSpecIsNoTransition() {
        let deferred = [PodCondition(type: PodCondition.resizePending, reason: "Deferred")]
        let pod = Self.pod(conditions: deferred, desiredCPU: 500)
        let record = ResizeRecord(state: .pendingDeferred, since: Timestamp(unixMilliseconds: 0))
        #expect(ResizeRules.transition(previous: pod, current: pod, record: record, readsStatus: true,
                                       desiredChangeInitiator: .manual) == nil)
    }

    @Test func conditionsGoneMeansCompleted() throws {
        let record = ResizeRecord(state: .inProgress, since: Timestamp(unixMilliseconds: 0), initiator: .vpa)
        let transition = try #require(ResizeRules.transition(
            previous: Self.pod(conditions: [PodCondition(type: PodCondition.resizeInProgress)]), current: Self.pod(),
            record: record, readsStatus: true, desiredChangeInitiator: .manual))
        #expect(transition.to == .completed)
        #expect(transition.initiator == .vpa)
    }

    @Test func instantResizeIsCompleted() throws {
        let transition = try #require(ResizeRules.transition(
            previous: Self.pod(), current: Self.pod(desiredCPU: 500, statusCPU: 500), record: ResizeRecord(),
            readsStatus: true, desiredChangeInitiator: .manual))
        #expect(transition.to == .completed)
        #expect(transition.newResize)
    }

    @Test func specChangeNotYetAnsweredStartsTheClockInStateNone() throws {
        let transition = try #require(ResizeRules.transition(
            previous: Self.pod(), current: Self.pod(desiredCPU: 500, statusCPU: 250), record: ResizeRecord(),
            readsStatus: true, desiredChangeInitiator: .vpa))
        #expect(transition.to == .none)
        #expect(transition.newResize)
        // The kubelet's answer then inherits the initiator.
        let record = ResizeRecord().applying(transition, at: Timestamp(unixMilliseconds: 1))
        let next = try #require(ResizeRules.transition(
            previous: Self.pod(desiredCPU: 500, statusCPU: 250),
            current: Self.pod(conditions: [PodCondition(type: PodCondition.resizeInProgress)], desiredCPU: 500, statusCPU: 250),
            record: record, readsStatus: true, desiredChangeInitiator: .manual))
        #expect(next.to == .inProgress)
        #expect(next.initiator == .vpa)
        #expect(!next.newResize)
    }

    @Test func firstSeenMidResizeHasUnknownInitiator() throws {
        let transition = try #require(ResizeRules.transition(
            previous: nil, current: Self.pod(conditions: [PodCondition(type: PodCondition.resizeInProgress)]),
            record: ResizeRecord(), readsStatus: true, desiredChangeInitiator: .manual))
        #expect(transition.initiator == .unknown)
    }
}
