import VPAModel

/// The two resources a report draws, each in its own panel.
public enum ReportResource: String, CaseIterable, Sendable {
    case cpu
    case memory

    /// The amount of this resource in `list` (millicores or bytes), nil when unset.
    public func amount(in list: ResourceList) -> Int64? {
        switch self {
        case .cpu: list.cpuMillicores
        case .memory: list.memoryBytes
        }
    }

    /// `250m`, `1` for CPU; `256Mi`, `1Gi` for memory; as the tables print them.
    public func text(_ amount: Int64?) -> String {
        switch self {
        case .cpu: Quantities.cpu(amount)
        case .memory: Quantities.memory(amount)
        }
    }

    /// `CPU` or `memory`.
    public var title: String { self == .cpu ? "CPU" : "memory" }
}
