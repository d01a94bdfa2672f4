import VPAModel

/// What the updater does with one pod in this loop.
public enum UpdateAction: Hashable, Sendable {
    /// Patch the pod's `resize` subresource with these targets: one for every container with a
    /// recommendation (no partial updates, AEP-4016). `requests` are the recommendation's target;
    /// `limits` keep the spec's limit:request proportion. A resource left `nil` in a target is not
    /// patched: the container keeps what it has.
    case resizeInPlace(targets: [ResizeRequest.Target])
    /// Evict the pod (Eviction API, `policy/v1`) so that its controller recreates it and admission
    /// applies the recommendation.
    case evict
    /// An update is wanted but held back this loop; the next loop decides again.
    case wait
    /// Nothing to do: no update is wanted, or the VPA or group is not one the updater acts on.
    case none

    /// The targets of a resize, or nil for any other action.
    public var resizeTargets: [ResizeRequest.Target]? {
        if case .resizeInPlace(let targets) = self { return targets }
        return nil
    }
}

/// The updater's decision for one pod, with the rule and a reason a person can read.
public struct PodDecision: Hashable, Sendable {
    /// The pod's namespace.
    public var namespace: String
    /// The pod's name.
    public var name: String
    /// The pod's UID, when known.
    public var uid: String?
    /// What to do with the pod.
    public var action: UpdateAction
    /// The rule that decided.
    public var cause: DecisionCause
    /// The decision in a sentence, with the numbers behind it, such as
    /// "resize Deferred for 6m12s > 5m0s: evicting (InPlaceOrRecreate fallback)".
    public var reason: String
    /// The pod's update priority, when it was computed (the pod has a recommendation and its
    /// group is one the updater acts on).
    public var priority: UpdatePriority?

    /// A decision, as given.
    public init(namespace: String, name: String, uid: String?, action: UpdateAction, cause: DecisionCause,
                reason: String, priority: UpdatePriority?) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.action = action
        self.cause = cause
        self.reason = reason
        self.priority = priority
    }

    init(pod: PodUnderVPA, action: UpdateAction, cause: DecisionCause, reason: String,
         priority: UpdatePriority? = nil) {
        self.init(namespace: pod.namespace, name: pod.name, uid: pod.uid, action: action, cause: cause,
                  reason: reason, priority: priority)
    }
}
