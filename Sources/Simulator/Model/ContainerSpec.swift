import VPAModel

/// One container of a workload's pod template.
public struct ContainerSpec: Hashable, Sendable {
    /// The container's name.
    public var name: String
    /// The template's requests and limits (what a pod gets when no recommendation applies).
    public var resources: ResourceRequirements
    /// How the container uses CPU and memory.
    public var usage: UsagePattern

    /// A container template.
    public init(name: String, resources: ResourceRequirements, usage: UsagePattern) {
        self.name = name
        self.resources = resources
        self.usage = usage
    }
}
