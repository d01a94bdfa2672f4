/// A controller that owns pods: a Deployment, StatefulSet, DaemonSet, ReplicaSet,
/// ReplicationController, Job or CronJob, by namespace, kind and name (a VPA's `spec.targetRef`,
/// or the `--workload` of `vpa-store report`).
public struct WorkloadReference: Hashable, Sendable, Codable {
    /// The kinds whose pods the store can tell apart by their owner references, as Kubernetes spells them.
    public static let kinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"]

    public var namespace: String
    public var kind: String
    public var name: String

    public init(namespace: String, kind: String, name: String) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
    }

    /// Whether `pod` belongs to this workload: the pod is in its namespace and its controller owner
    /// reference leads to it.
    ///
    /// Pods name their direct controller only. A Deployment's pods are owned by a ReplicaSet named
    /// `<deployment>-<pod-template-hash>`, and a CronJob's by a Job named `<cronjob>-<schedule time>`;
    /// without those intermediate objects the store matches by that naming rule (the hash and the
    /// time contain no `-`), as `kubectl` users read it. StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController and Job targets own their pods directly.
    public func owns(_ pod: PodObservation) -> Bool {
        guard pod.namespace == namespace,
              let owner = pod.owners.first(where: \.controller) ?? (pod.owners.count == 1 ? pod.owners.first : nil)
        else { return false }
        if owner.kind == kind { return owner.name == name }
        switch (kind, owner.kind) {
        case ("Deployment", "ReplicaSet"), ("CronJob", "Job"):
            let prefix = name + "-"
            guard owner.name.hasPrefix(prefix) else { return false }
            let suffix = owner.name.dropFirst(prefix.count)
            return !suffix.isEmpty && !suffix.contains("-")
        default:
            return false
        }
    }

    /// `namespace/Kind/name`, as `--workload` takes it.
    public var description: String { "\(namespace)/\(kind)/\(name)" }
}

extension VPAObservation {
    /// The workload `spec.targetRef` names.
    public var targetWorkload: WorkloadReference { WorkloadReference(namespace: namespace, kind: targetKind, name: targetName) }

    /// Whether the VPA manages `pod`: its target owns the pod (see `WorkloadReference.owns`).
    public func manages(_ pod: PodObservation) -> Bool { targetWorkload.owns(pod) }
}
