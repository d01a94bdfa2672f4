import VPAModel

/// The VerticalPodAutoscaler of a workload.
public struct VPASpec: Hashable, Sendable {
    /// `metadata.name` of the VPA.
    public var name: String
    /// `spec.updatePolicy.updateMode`.
    public var mode: VPAUpdateMode
    /// `spec.updatePolicy.minReplicas`; nil = the updater's default.
    public var minReplicas: Int?
    /// `spec.resourcePolicy.containerPolicies`.
    public var containerPolicies: [ContainerResourcePolicy]

    /// A VPA in `mode`.
    public init(name: String, mode: VPAUpdateMode, minReplicas: Int? = nil, containerPolicies: [ContainerResourcePolicy] = []) {
        self.name = name
        self.mode = mode
        self.minReplicas = minReplicas
        self.containerPolicies = containerPolicies
    }
}

/// A Deployment-like workload: a ReplicaSet keeps `replicas` pods of one template alive.
public struct WorkloadSpec: Hashable, Sendable {
    /// The Deployment's name; pods are named `<name>-<rs-hash>-<suffix>`.
    public var name: String
    /// The namespace of the Deployment, its pods and its VPA.
    public var namespace: String
    /// Pods the ReplicaSet keeps.
    public var replicas: Int
    /// The pod template's containers, in spec order.
    public var containers: [ContainerSpec]
    /// The workload's VPA, if it has one.
    public var vpa: VPASpec?
    /// The nodes its pods may run on (a node selector); empty = any node.
    public var nodeNames: [String]

    /// A workload.
    public init(name: String, namespace: String = "default", replicas: Int, containers: [ContainerSpec],
                vpa: VPASpec? = nil, nodeNames: [String] = []) {
        self.name = name
        self.namespace = namespace
        self.replicas = replicas
        self.containers = containers
        self.vpa = vpa
        self.nodeNames = nodeNames
    }

    /// The VPA object the store ingests, when the workload has a VPA.
    public var vpaObservation: VPAObservation? {
        guard let vpa else { return nil }
        return VPAObservation(namespace: namespace, name: vpa.name, uid: "vpa-\(namespace)-\(vpa.name)",
                              targetKind: "Deployment", targetName: name, updateMode: vpa.mode,
                              minReplicas: vpa.minReplicas, containerPolicies: vpa.containerPolicies)
    }
}
