import VPAModel

/// The upstream VPA updater's per-pod decisions (pkg/updater/logic/updater.go `RunOnce`, one VPA's
/// iteration), as a pure function of what the store knows: no I/O, the time comes in as `now`.
///
/// For each pod it decides: resize in place, evict, wait, or nothing, and says why. The caller
/// carries out the resizes and evictions (upstream also rate-limits them, `--eviction-rate-limit`)
/// and records the decisions. When a resize patch is rejected in InPlaceOrRecreate mode, upstream
/// falls back to evicting the pod if the budget allows; the caller decides that, since only it
/// sees the rejection.
public struct UpdatePlanner: Sendable {
    /// The settings the rules read.
    public var configuration: UpdaterConfiguration

    /// A planner with these settings (upstream's defaults unless given).
    public init(configuration: UpdaterConfiguration = UpdaterConfiguration()) {
        self.configuration = configuration
    }

    /// The decisions for one replica group of `vpa` at `now`. O(n log n) in the number of pods.
    ///
    /// The rules run in upstream's order:
    /// 1. Modes `Off` and `Initial`: nothing.
    /// 2. A group with fewer live pods than `minReplicas` (the VPA's, else the configuration's), or
    ///    whose controller has no replica count: nothing (pkg/updater/restriction/pods_restriction_factory.go).
    /// 3. Pods without a recommendation, or whose update is not wanted (update_priority_calculator.go):
    ///    nothing.
    /// 4. The rest, in update-priority order, by mode: Recreate evicts; InPlaceOrRecreate resizes in
    ///    place and evicts a pod whose resize failed or timed out; InPlace resizes and never evicts.
    ///    Pending pods, resizing pods and the replica budget hold pods back (`wait`); every resize and
    ///    eviction in this call counts against the budget of the ones after it.
    ///
    /// Recommendations are capped first (`RecommendationCapping`) with the LimitRanges of the VPA's
    /// namespace found in `limitRanges`.
    public func plan(for vpa: VPAObservation, group: ReplicaGroup, now: Timestamp,
                     limitRanges: [LimitRangeObservation] = []) -> UpdatePlan {
        let mode = vpa.updateMode.effective
        var loop = PlanningLoop(configuration: configuration, now: now)
        func finish() -> UpdatePlan {
            UpdatePlan(vpaNamespace: vpa.namespace, vpaName: vpa.name, mode: mode,
                       decisions: loop.acted + loop.waiting + loop.untouched)
        }

        guard mode == .recreate || mode == .inPlaceOrRecreate || mode == .inPlace else {
            for pod in group.pods {
                loop.leave(pod, .updateModeOff, "update mode \(vpa.updateMode.rawValue): the updater does not act")
            }
            return finish()
        }
        var live: [PodUnderVPA] = []
        for pod in group.pods {
            if pod.isFinished {
                loop.leave(pod, .podFinished, "pod \(pod.phase ?? "finished"): not a live pod")
            } else {
                live.append(pod)
            }
        }
        let required = vpa.minReplicas ?? configuration.minReplicas
        guard live.count >= required else {
            for pod in live {
                loop.leave(pod, .belowMinReplicas, "\(counted(live.count, "live pod")) < min replicas \(required): "
                           + "the updater leaves the group alone")
            }
            return finish()
        }
        let configured = group.configuredReplicas ?? live.count
        guard configured > 0 else {
            for pod in live {
                loop.leave(pod, .noReplicaCount, "the controller has no replica count: the updater leaves the group alone")
            }
            return finish()
        }
        let running = live.count(where: { !$0.isPending })
        loop.budget = ReplicaBudget(configured: configured, running: running,
                                    toleranceFraction: configuration.evictionTolerance)

        let candidates = updateCandidates(live, vpa: vpa, limitRanges: limitRanges, loop: &loop)
        switch mode {
        case .recreate: loop.recreate(candidates)
        case .inPlaceOrRecreate: loop.inPlaceOrRecreate(candidates)
        default: loop.inPlace(candidates)
        }
        return finish()
    }

    /// The pods whose update is wanted, in update-priority order (ties keep the order given; upstream's
    /// sort leaves their order unspecified). The others get their decision in `loop`.
    private func updateCandidates(_ pods: [PodUnderVPA], vpa: VPAObservation, limitRanges: [LimitRangeObservation],
                                  loop: inout PlanningLoop) -> [UpdateCandidate] {
        var candidates: [UpdateCandidate] = []
        for (index, pod) in pods.enumerated() {
            let containers = pod.recommendedContainers(policies: vpa, limitRanges: limitRanges)
            guard !containers.isEmpty else {
                loop.leave(pod, .noRecommendation, "no recommendation for the pod's containers yet")
                continue
            }
            var assessment = pod.assessment(of: containers, vpa: vpa, configuration: configuration, now: loop.now)
            if assessment.isWanted, let unmet = pod.unmetEvictionRequirement(containers, vpa: vpa) {
                assessment = UpdateAssessment(priority: assessment.priority, isWanted: false,
                                              cause: .evictionRequirementsNotMet, reason: unmet)
            }
            // Upstream publishes what capping did as pod annotations; here it goes into the decision's reason.
            let notes = containers.flatMap { entry in entry.cappingNotes.map { "\(entry.container.name): \($0)" } }
            if !notes.isEmpty { assessment.reason += "; capped: " + notes.joined(separator: ", ") }
            guard assessment.isWanted else {
                loop.leave(pod, assessment.cause, assessment.reason, priority: assessment.priority)
                continue
            }
            candidates.append(UpdateCandidate(index: index, pod: pod, containers: containers, assessment: assessment))
        }
        return candidates.sorted { a, b in
            if a.priority.outranks(b.priority) { return true }
            if b.priority.outranks(a.priority) { return false }
            return a.index < b.index
        }
    }
}

/// A pod whose update is wanted.
struct UpdateCandidate: Sendable {
    var index: Int
    var pod: PodUnderVPA
    var containers: [RecommendedContainer]
    var assessment: UpdateAssessment

    var priority: UpdatePriority { assessment.priority }
    /// What an in-place resize sends: every container with a recommendation.
    var targets: [ResizeRequest.Target] { containers.map(\.resizeTarget) }
}
