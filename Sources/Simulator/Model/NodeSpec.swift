import VPAModel

/// A node of the simulated cluster. Its capacity is what the scheduler and the kubelet fit pods
/// into (the model has no system reservations: capacity is allocatable).
public struct NodeSpec: Hashable, Sendable {
    /// `metadata.name`.
    public var name: String
    /// Allocatable CPU in millicores.
    public var cpuMillicores: Int64
    /// Allocatable memory in bytes.
    public var memoryBytes: Int64

    /// A node with this much CPU and memory.
    public init(name: String, cpuMillicores: Int64, memoryBytes: Int64) {
        self.name = name
        self.cpuMillicores = cpuMillicores
        self.memoryBytes = memoryBytes
    }
}
