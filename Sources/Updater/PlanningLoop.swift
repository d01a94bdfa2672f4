import VPAModel

/// One loop over one VPA's group: the budget as decisions consume it, and the decisions so far.
struct PlanningLoop: Sendable {
    let configuration: UpdaterConfiguration
    let now: Timestamp
    var budget = ReplicaBudget(configured: 0, running: 0, toleranceFraction: 0)
    /// Resizes, then evictions, in the order decided.
    var acted: [PodDecision] = []
    /// Pods held back, in priority order.
    var waiting: [PodDecision] = []
    /// Pods with nothing to do, in the order given.
    var untouched: [PodDecision] = []

    init(configuration: UpdaterConfiguration, now: Timestamp) {
        self.configuration = configuration
        self.now = now
    }

    mutating func leave(_ pod: PodUnderVPA, _ cause: DecisionCause, _ reason: String, priority: UpdatePriority? = nil) {
        untouched.append(PodDecision(pod: pod, action: .none, cause: cause, reason: reason, priority: priority))
    }

    private mutating func wait(_ candidate: UpdateCandidate, _ cause: DecisionCause, _ reason: String) {
        waiting.append(PodDecision(pod: candidate.pod, action: .wait, cause: cause,
                                   reason: "\(reason); update wanted: \(candidate.assessment.reason)",
                                   priority: candidate.priority))
    }

    private mutating func evict(_ candidate: UpdateCandidate, _ cause: DecisionCause, _ reason: String) {
        // Upstream `Evict` counts only pods that were running.
        if !candidate.pod.isPending { budget.evicted += 1 }
        acted.append(PodDecision(pod: candidate.pod, action: .evict, cause: cause,
                                 reason: "\(reason); update wanted: \(candidate.assessment.reason)",
                                 priority: candidate.priority))
    }

    private mutating func resize(_ candidate: UpdateCandidate, _ cause: DecisionCause, _ reason: String) {
        budget.inPlaceInitiated += 1
        acted.append(PodDecision(pod: candidate.pod, action: .resizeInPlace(targets: candidate.targets), cause: cause,
                                 reason: "\(reason); update wanted: \(candidate.assessment.reason)",
                                 priority: candidate.priority))
    }

    private mutating func waitForBudget(_ candidate: UpdateCandidate, _ what: String) {
        wait(candidate, .budgetExhausted, "\(what), but the replica budget is used up (\(budget.summary))")
    }

    private func verdict(_ pod: PodUnderVPA) -> ResizeVerdict? {
        pod.resize.verdict(timeouts: configuration.resizeTimeouts, now: now)
    }

    /// Recreate (and Auto): evict, as upstream `PodsEvictionRestrictionImpl.CanEvict`
    /// (pkg/updater/restriction/pods_eviction_restriction.go) allows: a Pending pod always, a
    /// resizing pod per `CanEvictInPlacingPod` (so a manual resize is waited out), any other pod
    /// within the budget.
    mutating func recreate(_ candidates: [UpdateCandidate]) {
        for candidate in candidates {
            if candidate.pod.isPending {
                evict(candidate, candidate.assessment.cause,
                      "pod is Pending: evicting (Recreate; a Pending pod uses no budget)")
            } else if let verdict = verdict(candidate.pod) {
                if !verdict.shouldEvict {
                    wait(candidate, verdict.cause, "\(verdict.description): waiting for the resize to finish")
                } else if !budget.isPodDisruptable {
                    waitForBudget(candidate, "\(verdict.description): would evict")
                } else {
                    evict(candidate, verdict.cause, "\(verdict.description): evicting (Recreate)")
                }
            } else if budget.isPodDisruptable {
                evict(candidate, candidate.assessment.cause, "evicting (Recreate)")
            } else {
                waitForBudget(candidate, "would evict")
            }
        }
    }

    /// InPlaceOrRecreate: upstream `CanInPlaceUpdate` (pkg/updater/restriction/pods_inplace_restriction.go)
    /// per pod in priority order: Pending → wait; resizing → evict when `CanEvictInPlacingPod` says
    /// so, else wait; otherwise resize in place within the budget. The evictions run after all
    /// resizes, each checked against the budget the resizes left (upstream `RunOnce`).
    mutating func inPlaceOrRecreate(_ candidates: [UpdateCandidate]) {
        var fallbacks: [(UpdateCandidate, ResizeVerdict)] = []
        for candidate in candidates {
            if candidate.pod.isPending {
                wait(candidate, .podPending, "pod is Pending: an in-place resize waits until it runs")
            } else if let verdict = verdict(candidate.pod) {
                if !verdict.shouldEvict {
                    wait(candidate, verdict.cause, "\(verdict.description): waiting for the kubelet")
                } else if !budget.isPodDisruptable {
                    waitForBudget(candidate, "\(verdict.description): would evict")
                } else {
                    fallbacks.append((candidate, verdict))
                }
            } else if budget.isPodDisruptable {
                resize(candidate, candidate.assessment.cause, "resizing in place")
            } else {
                waitForBudget(candidate, "would resize in place")
            }
        }
        for (candidate, verdict) in fallbacks {
            if budget.isPodDisruptable {
                evict(candidate, verdict.cause, "\(verdict.description): evicting (InPlaceOrRecreate fallback)")
            } else {
                waitForBudget(candidate, "\(verdict.description): would evict")
            }
        }
    }

    /// InPlace (AEP-8818): resize in place, never evict. Pending → wait. A resizing pod waits however
    /// long it takes, Infeasible included, except that a resize the VPA started is sent again with
    /// the current recommendation when that asks for other requests (for an Infeasible one: lower
    /// requests, as upstream retries only then); like upstream's implicit retry this needs no budget,
    /// but counts against the budget of the pods after it. Otherwise resize within the budget.
    mutating func inPlace(_ candidates: [UpdateCandidate]) {
        for candidate in candidates {
            let pod = candidate.pod
            if pod.isPending {
                wait(candidate, .podPending, "pod is Pending: an in-place resize waits until it runs")
            } else if let verdict = verdict(pod) {
                let infeasible = pod.resize.state == .pendingInfeasible
                if pod.resize.initiator == .vpa,
                   let change = pod.outdatedRequest(in: candidate.targets, onlyLower: infeasible) {
                    resize(candidate, verdict.cause, "\(pod.resize.label) asks for an outdated recommendation "
                           + "(\(change)): sending the current one (InPlace never evicts)")
                } else if infeasible {
                    wait(candidate, verdict.cause, "\(pod.resize.label): waiting until the recommendation asks "
                         + "for less (InPlace never evicts)")
                } else {
                    wait(candidate, verdict.cause, "\(pod.resize.label) for \(verdict.elapsed): waiting "
                         + "(InPlace never evicts)")
                }
            } else if budget.isPodDisruptable {
                resize(candidate, candidate.assessment.cause, "resizing in place")
            } else {
                waitForBudget(candidate, "would resize in place")
            }
        }
    }
}
