import VPAModel

/// The two resources VPA manages, with the units upstream compares them in.
enum Resource: CaseIterable, Sendable {
    case cpu
    case memory

    /// The resource's name in Kubernetes.
    var name: String {
        switch self {
        case .cpu: "cpu"
        case .memory: "memory"
        }
    }

    /// This resource's amount in `list`: millicores for CPU, bytes for memory.
    func amount(in list: ResourceList) -> Int64? {
        switch self {
        case .cpu: list.cpuMillicores
        case .memory: list.memoryBytes
        }
    }

    /// Sets this resource's amount in `list`.
    func set(_ amount: Int64?, in list: inout ResourceList) {
        switch self {
        case .cpu: list.cpuMillicores = amount
        case .memory: list.memoryBytes = amount
        }
    }

    /// `Quantity.MilliValue()` of an amount, which upstream's priority sums: millicores for CPU,
    /// thousandths of a byte for memory. A `Double`, since bytes × 1000 can exceed `Int64`.
    func milliValue(_ amount: Int64) -> Double {
        switch self {
        case .cpu: Double(amount)
        case .memory: Double(amount) * 1000
        }
    }

    /// An amount as a person reads it: `250m` for CPU, `128Mi` or bytes for memory.
    func format(_ amount: Int64) -> String {
        switch self {
        case .cpu:
            return "\(amount)m"
        case .memory:
            for (suffix, shift) in [("Gi", 30), ("Mi", 20), ("Ki", 10)] where amount != 0 && amount % (1 << shift) == 0 {
                return "\(amount >> shift)\(suffix)"
            }
            return "\(amount)"
        }
    }
}
