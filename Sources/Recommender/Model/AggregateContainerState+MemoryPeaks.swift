import VPAModel

extension AggregateContainerState {
    /// Aggregates a memory usage sample of `bytes` starting at `start` as the `pod`'s peak of the
    /// current aggregation interval (container.go `addMemorySample`).
    ///
    /// The first sample opens an interval ending one interval later. A sample inside the interval
    /// that exceeds its peak replaces it (subtract the old peak, add the new, both at the interval's
    /// end); a sample at or after the end opens the interval that contains it.
    ///
    /// Returns false, and changes nothing, when the usage is negative or the sample starts before the
    /// last memory sample of the same `pod`.
    @discardableResult
    public mutating func addMemorySample(bytes: Int64, at start: Timestamp, pod: String = "") -> Bool {
        var instance = instances[pod] ?? ContainerInstanceState()
        let added = addMemorySample(bytes: bytes, at: start, isOOM: false, to: &instance)
        if added {
            instances[pod] = instance
        }
        return added
    }

    /// The window and peak bookkeeping of container.go `addMemorySample`; OOM samples are taken even
    /// when older than the last sample.
    mutating func addMemorySample(bytes: Int64, at start: Timestamp, isOOM: Bool,
                                  to instance: inout ContainerInstanceState) -> Bool {
        guard bytes >= 0 else { return false }
        if !isOOM, let last = instance.lastMemorySampleStart, start < last { return false }
        instance.lastMemorySampleStart = start
        let windowEnd = instance.windowEnd ?? start

        var addNewPeak = false
        if start < windowEnd {
            let oldPeak = instance.maxMemoryPeak
            if oldPeak != 0 && bytes > oldPeak {
                memoryPeaks.subtractSample(value: Double(oldPeak), weight: 1.0, time: windowEnd)
                addNewPeak = true
            }
            instance.windowEnd = windowEnd
        } else {
            // Move to the interval containing `start`: whole intervals past the old end, plus one.
            let interval = configuration.memoryAggregationInterval.positiveMilliseconds
            let elapsed = start.milliseconds(since: windowEnd)
            let shift = (elapsed - elapsed % interval).addingSaturating(interval)
            instance.windowEnd = windowEnd.advanced(byMilliseconds: shift)
            instance.memoryPeak = 0
            instance.oomPeak = 0
            addNewPeak = true
        }
        if addNewPeak, let end = instance.windowEnd {
            memoryPeaks.addSample(value: Double(bytes), weight: 1.0, time: end)
            if isOOM {
                instance.oomPeak = bytes
            } else {
                instance.memoryPeak = bytes
            }
        }
        return true
    }
}
