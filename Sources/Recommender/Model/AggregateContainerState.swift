import VPAModel

/// The usage history of one container name under one VPA: the input of the estimation (upstream
/// pkg/recommender/model/aggregate_container_state.go `AggregateContainerState`, with the
/// per-container-instance bookkeeping of container.go `ContainerState`).
///
/// CPU usage goes into a decaying histogram, each sample with weight 0.1. Memory goes in as one peak
/// per container instance per aggregation interval (24 h), weight 1.0, timed at the interval's end;
/// a larger sample in the same interval replaces the peak. OOM kills become memory samples bumped
/// above what the container had.
///
/// Samples name the container instance (`pod`) they come from, because peaks and sample ordering are
/// kept per instance as upstream does; a caller that watches a single instance can leave `pod` at
/// its default.
public struct AggregateContainerState: Hashable, Sendable {
    /// The tunables this state aggregates with (half-lives, memory interval, OOM bump).
    public internal(set) var configuration: RecommenderConfiguration
    /// Every CPU sample, in cores (`AggregateCPUUsage`).
    public internal(set) var cpuUsage: DecayingHistogram
    /// One memory peak per container instance per interval, in bytes (`AggregateMemoryPeaks`).
    public internal(set) var memoryPeaks: DecayingHistogram
    /// The start of the earliest CPU sample (`FirstSampleStart`); `nil` before the first.
    public internal(set) var firstSampleStart: Timestamp?
    /// The start of the latest CPU sample (`LastSampleStart`); `nil` before the first.
    public internal(set) var lastSampleStart: Timestamp?
    /// How many CPU samples were aggregated (`TotalSamplesCount`; memory samples do not count).
    public internal(set) var totalCPUSamples: Int = 0
    /// Per container instance (pod): sample ordering and the current memory interval.
    var instances: [String: ContainerInstanceState] = [:]

    /// An empty state aggregating with `configuration`.
    public init(configuration: RecommenderConfiguration = RecommenderConfiguration()) {
        self.configuration = configuration
        cpuUsage = .cpu(halfLife: configuration.cpuHistogramDecayHalfLife)
        memoryPeaks = .memory(halfLife: configuration.memoryHistogramDecayHalfLife)
    }

    /// True when no CPU sample was aggregated (upstream `isEmpty`).
    public var isEmpty: Bool { totalCPUSamples == 0 }

    /// True when the state should be forgotten at `now` (upstream `isExpired`): no CPU sample for a
    /// whole aggregation window (interval × count, 8 days), counted from the last sample, or from
    /// `createdAt` when there was none.
    public func isExpired(at now: Timestamp, createdAt: Timestamp) -> Bool {
        let since = isEmpty ? createdAt : (lastSampleStart ?? createdAt)
        return now.milliseconds(since: since) >= configuration.memoryAggregationWindowMilliseconds
    }

    /// Aggregates a CPU usage sample of `millicores` starting at `start`, with weight
    /// `HistogramOptions.minSampleWeight` (0.1; upstream since ca812b36a3).
    ///
    /// Returns false, and changes nothing, when the usage is negative or the sample does not start
    /// after the last CPU sample of the same `pod` (container.go `addCPUSample`).
    @discardableResult
    public mutating func addCPUSample(millicores: Int64, at start: Timestamp, pod: String = "") -> Bool {
        guard millicores >= 0 else { return false }
        if let last = instances[pod]?.lastCPUSampleStart, start <= last { return false }
        instances[pod, default: ContainerInstanceState()].lastCPUSampleStart = start
        cpuUsage.addSample(value: ResourceAmount.cores(fromMillicores: millicores),
                           weight: HistogramOptions.minSampleWeight, time: start)
        if lastSampleStart.map({ start > $0 }) ?? true {
            lastSampleStart = start
        }
        if firstSampleStart.map({ start < $0 }) ?? true {
            firstSampleStart = start
        }
        totalCPUSamples += 1
        return true
    }

    /// Forgets the container instance of `pod` (its pod is gone). Peaks it added stay in the
    /// histogram and decay like any other.
    public mutating func removeContainerInstance(pod: String) {
        instances[pod] = nil
    }
}
