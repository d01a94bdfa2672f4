import VPAModel

extension AggregateContainerState {
    /// The state saved as a checkpoint at `now` (aggregate_container_state.go `SaveToCheckpoint`).
    ///
    /// The peaks of intervals still open at `now` are left out, as upstream's checkpoint writer does
    /// (checkpoint_writer.go `subtractCurrentContainerMemoryPeak`), so a restored state does not count
    /// an interval twice when the running container reports it again. Histogram weights lose
    /// precision (`HistogramCheckpoint`).
    public func checkpoint(at now: Timestamp) -> ContainerCheckpoint {
        var memory = memoryPeaks
        for pod in instances.keys.sorted() {
            guard let instance = instances[pod], let end = instance.windowEnd, now < end else { continue }
            memory.subtractSample(value: Double(instance.maxMemoryPeak), weight: 1.0, time: end)
        }
        return ContainerCheckpoint(cpuHistogram: cpuUsage.checkpoint(), memoryHistogram: memory.checkpoint(),
                                   firstSampleStart: firstSampleStart, lastSampleStart: lastSampleStart,
                                   totalSamplesCount: totalCPUSamples)
    }

    /// A state restored from `checkpoint`, aggregating on with `configuration`
    /// (aggregate_container_state.go `LoadFromCheckpoint`). It knows no container instances: the
    /// first sample of each running container opens a new interval.
    ///
    /// - Throws: `CheckpointError` when the version is not `ContainerCheckpoint.supportedVersion` or a
    ///   histogram does not fit the histogram options.
    public init(checkpoint: ContainerCheckpoint,
                configuration: RecommenderConfiguration = RecommenderConfiguration()) throws(CheckpointError) {
        guard checkpoint.version == ContainerCheckpoint.supportedVersion else {
            throw .unsupportedVersion(checkpoint.version)
        }
        self.init(configuration: configuration)
        totalCPUSamples = Swift.max(0, checkpoint.totalSamplesCount)
        firstSampleStart = checkpoint.firstSampleStart
        lastSampleStart = checkpoint.lastSampleStart
        memoryPeaks = try DecayingHistogram(options: .memory, halfLife: configuration.memoryHistogramDecayHalfLife,
                                            checkpoint: checkpoint.memoryHistogram)
        cpuUsage = try DecayingHistogram(options: .cpu, halfLife: configuration.cpuHistogramDecayHalfLife,
                                         checkpoint: checkpoint.cpuHistogram)
    }
}
