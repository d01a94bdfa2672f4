/// Call latencies of one workload, and their percentiles.
public struct Latencies: Sendable {
    private(set) var samples: [Duration] = []

    public init() {}

    mutating func record(_ duration: Duration) { samples.append(duration) }

    mutating func merge(_ other: Latencies) { samples += other.samples }

    public var count: Int { samples.count }

    /// The `fraction` percentile (0.5 = median), nearest-rank.
    public func percentile(_ fraction: Double) -> Duration {
        guard !samples.isEmpty else { return .zero }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

extension Duration {
    /// Microseconds as a Double, for printing.
    public var microseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
}
