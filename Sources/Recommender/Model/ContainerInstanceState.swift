import VPAModel

/// What the recommender remembers about one running container (one pod's container of the name):
/// the last samples it took and the memory peak of its current aggregation interval (upstream
/// pkg/recommender/model/container.go `ContainerState`).
struct ContainerInstanceState: Hashable, Sendable {
    /// The start of the last CPU sample taken; later samples must start after it.
    var lastCPUSampleStart: Timestamp?
    /// The largest memory usage sample in the current interval (`memoryPeak`).
    var memoryPeak: Int64 = 0
    /// The largest OOM-derived memory sample in the current interval (`oomPeak`).
    var oomPeak: Int64 = 0
    /// The end (exclusive) of the current memory aggregation interval (`WindowEnd`); the interval's
    /// peak is in the memory histogram at this time.
    var windowEnd: Timestamp?
    /// The start of the last memory sample taken, OOM samples included (`lastMemorySampleStart`).
    var lastMemorySampleStart: Timestamp?

    /// The peak the histogram holds for the current interval (`GetMaxMemoryPeak`).
    var maxMemoryPeak: Int64 { Swift.max(memoryPeak, oomPeak) }
}
