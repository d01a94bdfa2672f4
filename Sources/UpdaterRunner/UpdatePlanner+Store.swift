import Updater
import VPAModel

extension PodUnderVPA {
    /// The updater's view of a live pod as the store reports it (`ListPods`), under a VPA whose
    /// published recommendation is `recommendation`.
    ///
    /// - containers: the app containers, and the init containers that are running (native sidecars:
    ///   a classic init container has finished once the pod runs); `actual` is the store's answer
    ///   (status first, DESIGN §3.1), `desired` the spec, `lastState` the container status's.
    /// - resize: the store's durable record (state, since, initiator, reason, message), so the
    ///   timeouts count from when the store first saw the state, whoever runs the updater.
    /// - lastSuccessfulInPlaceResize: when the store saw the last VPA-initiated resize complete.
    public init(record: PodRecord, recommendation: PublishedRecommendation?) {
        let pod = record.pod
        let containers = pod.containers
            .filter { $0.type == .container || $0.status?.state?.isRunning == true }
            .map { container in
                let actual = record.resources.first { $0.container == container.name && $0.containerType == container.type }
                return ContainerUnderVPA(name: container.name, type: container.type,
                                         actual: actual?.actual ?? container.desired, desired: container.desired,
                                         lastState: container.status?.lastState)
            }
        let resize = ResizeRecord(state: record.resize.state, since: record.resize.since, initiator: record.resize.initiator,
                                  reason: record.resize.reason, message: record.resize.message)
        self.init(namespace: pod.namespace, name: pod.name, uid: pod.uid, phase: pod.phase, startTime: pod.startTime,
                  containers: containers, recommendations: recommendation?.containers ?? [], resize: resize,
                  lastSuccessfulInPlaceResize: record.lastVPAResizeCompletedAt)
        vpaObservedContainers = pod.vpaObservedContainers
    }
}

/// One VPA's plan for one replica group, with the VPA it is for.
public struct VPAGroupPlan: Hashable, Sendable {
    /// The VPA, with the recommendation the plan acted on.
    public var vpa: VPARecord
    /// The controller the group's pods belong to (kind and name of the controller owner reference).
    public var controller: OwnerReference
    /// The decisions.
    public var plan: UpdatePlan

    public init(vpa: VPARecord, controller: OwnerReference, plan: UpdatePlan) {
        self.vpa = vpa
        self.controller = controller
        self.plan = plan
    }
}

extension UpdatePlanner {
    /// The plans for every VPA's replica groups at `now`, from what the store lists. O(VPAs × pods)
    /// to match pods, then O(n log n) per group.
    ///
    /// Each pod goes to the first VPA (in the order given: the store lists them by namespace and
    /// name) that `manages` it, and within it to the group of its controller owner (a ReplicaSet, a
    /// StatefulSet…), whose configured replica count is taken to be its live pod count (the store
    /// does not observe controllers). Pods that were never scheduled (Pending without a node) are
    /// left out, as upstream's pod lister does. Recommendations are capped with the LimitRanges of
    /// each VPA's namespace found in `limitRanges` (what `ListVpas` returns with the VPAs).
    public func plans(for vpas: [VPARecord], pods: [PodRecord], now: Timestamp,
                      limitRanges: [LimitRangeObservation] = []) -> [VPAGroupPlan] {
        var unclaimed = pods.filter { !($0.pod.phase == "Pending" && $0.pod.nodeName == nil) }
        var plans: [VPAGroupPlan] = []
        for record in vpas {
            var managed: [PodRecord] = []
            unclaimed.removeAll { pod in
                guard record.vpa.manages(pod.pod) else { return false }
                managed.append(pod)
                return true
            }
            var groups: [String: (controller: OwnerReference, pods: [PodUnderVPA])] = [:]
            var order: [String] = []
            for pod in managed {
                // `manages` found a controller owner (or the only owner), so there is one.
                guard let owner = pod.pod.owners.first(where: \.controller)
                        ?? (pod.pod.owners.count == 1 ? pod.pod.owners.first : nil) else { continue }
                let key = "\(owner.kind)/\(owner.name)"
                if groups[key] == nil {
                    groups[key] = (owner, [])
                    order.append(key)
                }
                groups[key]?.pods.append(PodUnderVPA(record: pod, recommendation: record.recommendation))
            }
            for key in order {
                guard let group = groups[key] else { continue }
                let plan = plan(for: record.vpa, group: ReplicaGroup(configuredReplicas: nil, pods: group.pods), now: now,
                                limitRanges: limitRanges)
                plans.append(VPAGroupPlan(vpa: record, controller: group.controller, plan: plan))
            }
        }
        return plans
    }
}
