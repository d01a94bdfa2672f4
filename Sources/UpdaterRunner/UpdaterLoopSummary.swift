import Updater
import VPAModel

/// What one updater loop did.
public struct UpdaterLoopSummary: Hashable, Sendable, CustomStringConvertible {
    /// The loop's number, from 1.
    public var loop: Int
    /// The time the loop judged the pods at.
    public var now: Timestamp
    /// VPAs in the store.
    public var vpas: Int
    /// Live pods under a VPA (one decision each).
    public var pods: Int
    /// Decisions to resize in place.
    public var resizes: Int
    /// Decisions to evict.
    public var evictions: Int
    /// Decisions to wait (an update is wanted but held back).
    public var waiting: Int
    /// `UpdaterDecision` events appended: decisions that changed since the pod's previous one.
    public var decisionsRecorded: Int
    /// Resizes and evictions the actuator carried out (0 with `--actuate none`).
    public var actuated: Int
    /// Resizes and evictions the actuator failed to carry out.
    public var actuationFailures: Int
    /// Resizes and evictions not sent again: sent by an earlier loop, their result not yet in the
    /// store, and `resendAfter` not yet passed.
    public var alreadyRequested: Int
    /// Evictions the API refused with 429 (a PodDisruptionBudget): recorded as waits, counted in
    /// `waiting` and not in `evictions`.
    public var evictionsRefused: Int
    /// Of `actuated`, the in-place resizes (the rest are evictions).
    public var resizesActuated: Int = 0
    /// Of `actuationFailures`, the in-place resizes (the rest are evictions).
    public var resizeFailures: Int = 0
    /// The planner's decisions, per action and cause (before actuation: a refused eviction or a
    /// failed resize is counted as planned).
    public var decisions: [PlannedDecision: Int] = [:]

    public init(loop: Int, now: Timestamp, vpas: Int = 0, pods: Int = 0, resizes: Int = 0, evictions: Int = 0,
                waiting: Int = 0, decisionsRecorded: Int = 0, actuated: Int = 0, actuationFailures: Int = 0,
                alreadyRequested: Int = 0, evictionsRefused: Int = 0) {
        self.loop = loop
        self.now = now
        self.vpas = vpas
        self.pods = pods
        self.resizes = resizes
        self.evictions = evictions
        self.waiting = waiting
        self.decisionsRecorded = decisionsRecorded
        self.actuated = actuated
        self.actuationFailures = actuationFailures
        self.alreadyRequested = alreadyRequested
        self.evictionsRefused = evictionsRefused
    }

    /// One line, such as `loop 3: 2 VPAs, 6 pods, 1 resize, 1 eviction, 2 waiting, 3 decisions recorded`
    /// (with `, 1 actuation failed`, `, 1 already requested` and `, 1 eviction refused` when so).
    public var description: String {
        var line = "loop \(loop): \(counted(vpas, "VPA")), \(counted(pods, "pod")), \(counted(resizes, "resize")), "
            + "\(counted(evictions, "eviction")), \(waiting) waiting, \(counted(decisionsRecorded, "decision")) recorded"
        if actuationFailures > 0 { line += ", \(counted(actuationFailures, "actuation")) failed" }
        if alreadyRequested > 0 { line += ", \(alreadyRequested) already requested" }
        if evictionsRefused > 0 { line += ", \(counted(evictionsRefused, "eviction")) refused" }
        return line
    }
}

/// A decision's action and cause: the `action` and `cause` labels of `vpa_updater_pod_decisions`.
public struct PlannedDecision: Hashable, Sendable {
    public var action: UpdaterDecisionRecord.Action
    public var cause: DecisionCause

    public init(action: UpdaterDecisionRecord.Action, cause: DecisionCause) {
        self.action = action
        self.cause = cause
    }
}
