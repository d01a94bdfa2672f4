/// CPU and memory amounts of one resource list (`requests` or `limits`), as Kubernetes parses them.
///
/// CPU is kept in millicores, rounded up as `Quantity.MilliValue()` does; memory in bytes, rounded up
/// as `Quantity.Value()` does. `nil` means the resource is not set in the list (which is different
/// from a value of zero).
public struct ResourceList: Hashable, Sendable, Codable {
    /// CPU in millicores (`250m` → 250, `2` → 2000), or `nil` when the list does not name `cpu`.
    public var cpuMillicores: Int64?
    /// Memory in bytes (`128Mi` → 134217728), or `nil` when the list does not name `memory`.
    public var memoryBytes: Int64?

    public init(cpuMillicores: Int64? = nil, memoryBytes: Int64? = nil) {
        self.cpuMillicores = cpuMillicores
        self.memoryBytes = memoryBytes
    }

    /// True when neither CPU nor memory is set.
    public var isEmpty: Bool { cpuMillicores == nil && memoryBytes == nil }
}

/// Requests and limits of one container: `resources` in a container spec or status.
public struct ResourceRequirements: Hashable, Sendable, Codable {
    public var requests: ResourceList
    public var limits: ResourceList

    public init(requests: ResourceList = ResourceList(), limits: ResourceList = ResourceList()) {
        self.requests = requests
        self.limits = limits
    }
}
