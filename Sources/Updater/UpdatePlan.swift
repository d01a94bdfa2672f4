import VPAModel

/// The updater's decisions for one VPA in one loop.
public struct UpdatePlan: Hashable, Sendable {
    /// The VPA's namespace.
    public var vpaNamespace: String
    /// The VPA's name.
    public var vpaName: String
    /// The mode acted on (`Auto` is `Recreate`).
    public var mode: VPAUpdateMode
    /// One decision per pod given, in the order to carry them out: resizes, then evictions (each in
    /// update-priority order: scale-ups first, then larger change; upstream resizes first and
    /// evicts after), then pods that wait, in priority order, then pods with nothing to do, in the
    /// order given.
    public var decisions: [PodDecision]

    /// A plan, as given.
    public init(vpaNamespace: String, vpaName: String, mode: VPAUpdateMode, decisions: [PodDecision]) {
        self.vpaNamespace = vpaNamespace
        self.vpaName = vpaName
        self.mode = mode
        self.decisions = decisions
    }

    /// The decisions that resize a pod in place, in order.
    public var resizes: [PodDecision] { decisions.filter { $0.action.resizeTargets != nil } }
    /// The decisions that evict a pod, in order.
    public var evictions: [PodDecision] { decisions.filter { $0.action == .evict } }

    /// The decision for the pod with this name. O(n).
    public func decision(forPod name: String) -> PodDecision? {
        decisions.first { $0.name == name }
    }
}
