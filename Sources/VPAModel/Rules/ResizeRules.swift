/// The resize state a pod's conditions (or legacy `status.resize`) describe, with the reason and
/// message behind it.
public struct ObservedResize: Hashable, Sendable {
    public var state: ResizeState
    public var reason: String
    public var message: String

    public init(state: ResizeState, reason: String = "", message: String = "") {
        self.state = state
        self.reason = reason
        self.message = message
    }
}

extension PodObservation {
    /// The resize the kubelet reports, or nil when it reports none (DESIGN §3.2; upstream
    /// `getResizeStatus` in pkg/updater/restriction/pods_inplace_restriction.go).
    ///
    /// - `PodResizePending` True: reason `Deferred` → pending_deferred, `Infeasible` → pending_infeasible.
    /// - `PodResizeInProgress` True: empty reason and message → in_progress; reason `Error` → in_progress_error.
    /// - Any other reason is upstream's "unknown", which the updater evicts at once like an error:
    ///   it maps to in_progress_error and keeps the reason, so nothing is hidden.
    /// - Both at once means a new resize was requested mid-resize; the pending one wins, as in
    ///   upstream `CanEvictInPlacingPod`, which checks the pending condition first.
    /// - Without conditions, the deprecated `status.resize` (clusters before 1.33): `Proposed` and
    ///   `Deferred` → pending_deferred, `Infeasible` → pending_infeasible, `InProgress` → in_progress,
    ///   anything else → in_progress_error.
    public var observedResize: ObservedResize? {
        let active = resizeConditions.filter { $0.status == "True" }
        if let pending = active.first(where: { $0.type == PodCondition.resizePending }) {
            switch pending.reason {
            case "Deferred": return ObservedResize(state: .pendingDeferred, reason: pending.reason, message: pending.message)
            case "Infeasible": return ObservedResize(state: .pendingInfeasible, reason: pending.reason, message: pending.message)
            default: return ObservedResize(state: .inProgressError, reason: pending.reason, message: pending.message)
            }
        }
        if let progress = active.first(where: { $0.type == PodCondition.resizeInProgress }) {
            if progress.reason.isEmpty && progress.message.isEmpty {
                return ObservedResize(state: .inProgress)
            }
            return ObservedResize(state: .inProgressError, reason: progress.reason, message: progress.message)
        }
        guard let legacy = legacyResizeStatus, !legacy.isEmpty else { return nil }
        switch legacy {
        case "Proposed", "Deferred": return ObservedResize(state: .pendingDeferred, reason: legacy)
        case "Infeasible": return ObservedResize(state: .pendingInfeasible, reason: legacy)
        case "InProgress": return ObservedResize(state: .inProgress, reason: legacy)
        default: return ObservedResize(state: .inProgressError, reason: legacy)
        }
    }
}

/// What the store remembers about a pod's current resize.
public struct ResizeRecord: Hashable, Sendable, Codable {
    public var state: ResizeState
    /// When the store first observed `state` for the current resize; nil before any transition.
    public var since: Timestamp?
    public var initiator: ResizeInitiator
    public var reason: String
    public var message: String
    /// True between a new desired spec and the kubelet's first answer to it, so the initiator of
    /// that change carries over to the state the kubelet then reports.
    public var awaitingKubelet: Bool

    public init(state: ResizeState = .none, since: Timestamp? = nil, initiator: ResizeInitiator = .unknown,
                reason: String = "", message: String = "", awaitingKubelet: Bool = false) {
        self.state = state
        self.since = since
        self.initiator = initiator
        self.reason = reason
        self.message = message
        self.awaitingKubelet = awaitingKubelet
    }

    /// The record after `transition`, observed at `at`.
    public func applying(_ transition: ResizeTransition, at: Timestamp) -> ResizeRecord {
        ResizeRecord(state: transition.to, since: at, initiator: transition.initiator, reason: transition.reason,
                     message: transition.message,
                     awaitingKubelet: transition.newResize && transition.to == .none)
    }
}

/// Decides the resize transition a new observation implies (DESIGN §3.2).
public enum ResizeRules {
    /// The transition from `record` implied by `current` (after `previous`), or nil when nothing changed.
    ///
    /// - Parameters:
    ///   - desiredChangeInitiator: who changed the desired resources, when they changed
    ///     (`vpa` when a `ResizeRequested` explains the new values, else `manual`).
    public static func transition(previous: PodObservation?, current: PodObservation, record: ResizeRecord,
                                  readsStatus: Bool, desiredChangeInitiator: ResizeInitiator) -> ResizeTransition? {
        let desiredChanged = previous.map { $0.desiredResources != current.desiredResources } ?? false
        let generation = current.generation
        if let observed = current.observedResize {
            let initiator: ResizeInitiator
            if desiredChanged {
                initiator = desiredChangeInitiator
            } else if record.state.isResizing || record.awaitingKubelet {
                initiator = record.initiator
            } else {
                // First seen already resizing (or resizing again without a spec change we saw).
                initiator = .unknown
            }
            guard desiredChanged || observed.state != record.state || (record.awaitingKubelet && record.state == .none)
            else { return nil }
            return ResizeTransition(from: record.state, to: observed.state, initiator: initiator, reason: observed.reason,
                                    message: observed.message, newResize: desiredChanged, generation: generation)
        }
        if record.state.isResizing {
            // The kubelet stopped reporting the resize: it is done (or was reverted to the old spec).
            return ResizeTransition(from: record.state, to: .completed, initiator: record.initiator,
                                    newResize: desiredChanged, generation: generation)
        }
        if desiredChanged || record.awaitingKubelet {
            let initiator = desiredChanged ? desiredChangeInitiator : record.initiator
            if readsStatus && current.actualMatchesDesired {
                // Resized so fast that no condition was ever observed.
                return ResizeTransition(from: record.state, to: .completed, initiator: initiator,
                                        newResize: desiredChanged, generation: generation)
            }
            guard desiredChanged else { return nil }
            // A new desired spec the kubelet has not answered yet: the resize clock starts now.
            return ResizeTransition(from: record.state, to: .none, initiator: initiator, newResize: true,
                                    generation: generation)
        }
        return nil
    }
}

extension PodObservation {
    /// True when every container that reports status resources has exactly its desired resources there.
    public var actualMatchesDesired: Bool {
        containers.allSatisfy { container in
            guard let enacted = container.status?.resources else { return true }
            return enacted == container.desired
        }
    }
}
