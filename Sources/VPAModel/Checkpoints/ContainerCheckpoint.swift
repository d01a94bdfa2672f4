/// The saved history of one (VPA, container) pair, so a restarted recommender continues where it
/// stopped (upstream `VerticalPodAutoscalerCheckpointStatus`, version v3,
/// pkg/apis/autoscaling.k8s.io/v1/types.go).
///
/// Made by `AggregateContainerState.checkpoint(at:)`, restored by
/// `AggregateContainerState.init(checkpoint:configuration:)`.
public struct ContainerCheckpoint: Hashable, Sendable, Codable {
    /// The only version restored (aggregate_container_state.go `SupportedCheckpointVersion`).
    public static let supportedVersion = "v3"

    /// The checkpoint format; `supportedVersion` when made by this module.
    public var version: String
    /// The CPU usage histogram (values in cores).
    public var cpuHistogram: HistogramCheckpoint
    /// The memory peaks histogram (values in bytes), without the current intervals' peaks.
    public var memoryHistogram: HistogramCheckpoint
    /// The start of the first CPU sample, or `nil` when there was none.
    public var firstSampleStart: Timestamp?
    /// The start of the last CPU sample, or `nil` when there was none.
    public var lastSampleStart: Timestamp?
    /// How many CPU samples were aggregated (upstream counts CPU samples only).
    public var totalSamplesCount: Int

    public init(version: String = ContainerCheckpoint.supportedVersion, cpuHistogram: HistogramCheckpoint,
                memoryHistogram: HistogramCheckpoint, firstSampleStart: Timestamp?, lastSampleStart: Timestamp?,
                totalSamplesCount: Int) {
        self.version = version
        self.cpuHistogram = cpuHistogram
        self.memoryHistogram = memoryHistogram
        self.firstSampleStart = firstSampleStart
        self.lastSampleStart = lastSampleStart
        self.totalSamplesCount = totalSamplesCount
    }
}
