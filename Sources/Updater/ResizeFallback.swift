import VPAModel

/// Whether a pod's resize has failed or waited too long, so that InPlaceOrRecreate (and Recreate,
/// waiting out a resize it did not start) should evict it.
struct ResizeVerdict: Sendable {
    /// True when upstream `CanEvictInPlacingPod` would evict, budget permitting.
    var shouldEvict: Bool
    var cause: DecisionCause
    /// Time since the store first saw the state (0 when unknown), as text.
    var elapsed: String
    /// The resize and its clock, such as "resize Deferred for 6m12s > 5m0s".
    var description: String
}

extension ResizeRecord {
    /// The cause naming this resize state; nil when the pod is not resizing.
    var cause: DecisionCause? {
        switch state {
        case .pendingDeferred: .resizeDeferred
        case .pendingInfeasible: .resizeInfeasible
        case .inProgress: .resizeInProgress
        case .inProgressError: .resizeError
        case .none, .completed: nil
        }
    }

    /// "resize Deferred", "manual resize in progress", "resize Error": the resize as upstream's
    /// conditions name it, with who started it when that was a person.
    var label: String {
        let who = initiator == .manual ? "manual resize" : "resize"
        switch state {
        case .pendingDeferred: return "\(who) Deferred"
        case .pendingInfeasible: return "\(who) Infeasible"
        case .inProgress: return "\(who) in progress"
        case .inProgressError:
            let detail = message.isEmpty ? "" : " (\(message))"
            return "\(who) \(reason.isEmpty ? "Error" : reason)\(detail)"
        case .none, .completed: return "no resize"
        }
    }

    /// Upstream `CanEvictInPlacingPod` (pkg/updater/restriction/pods_inplace_restriction.go), budget
    /// aside: Deferred longer than the deferred timeout, or in progress longer than the in-progress
    /// timeout (strictly longer, `>`, as upstream's `clock.Since(last) > timeout`), or Infeasible, or
    /// Error or an unknown reason at once.
    ///
    /// The clock is the store's durable `since` rather than upstream's in-memory map, which starts
    /// when the updater first sees the resize; like upstream, an unknown start counts as now.
    func verdict(timeouts: ResizeTimeouts, now: Timestamp) -> ResizeVerdict? {
        guard let cause else { return nil }
        let evict = timeouts.isExceeded(state: state, since: since, now: now)
        let elapsed = DurationText.format(milliseconds: since.map { now.milliseconds(since: $0) } ?? 0)
        let description: String
        switch state {
        case .pendingDeferred, .inProgress:
            let limit = DurationText.format(milliseconds: (timeouts.limit(of: state) ?? .zero).wholeMilliseconds)
            description = evict ? "\(label) for \(elapsed) > \(limit)" : "\(label) for \(elapsed), not over \(limit)"
        default:
            description = label
        }
        return ResizeVerdict(shouldEvict: evict, cause: cause, elapsed: elapsed, description: description)
    }
}
