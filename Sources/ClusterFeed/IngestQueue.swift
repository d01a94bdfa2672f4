import VPAModel

/// The observations waiting for the store, bounded: batches by size or age, backpressure while the
/// store keeps acknowledging, and a flag once it had to drop everything (the feed then relists).
///
/// Full with the store making progress (a large relist outrunning a slow but healthy store), an
/// enqueue waits for room: the reflector stops reading its stream and TCP holds the rest. Full with
/// the store silent for `stallLimit`, the buffer is dropped: memory stays bounded, and the relist
/// after the store is back recovers what was dropped.
actor IngestQueue {
    /// What one enqueue brought (one watch event or one list page) and when it arrived.
    struct Arrival {
        var instant: ContinuousClock.Instant
        /// The wall-clock time of the arrival: the `observed_at` it stands for.
        var time: Timestamp
        var count: Int
    }

    /// Observations to send together.
    struct Batch {
        var observations: [Observation]
        /// When the latest of them arrived: the batch's `observed_at`.
        var observedAt: Timestamp
        var arrivals: [Arrival]
    }

    enum Next {
        case batch(Batch)
        /// Nothing ready; look again after this long.
        case wait(Duration)
        /// The buffer overflowed and was dropped.
        case overflowed
    }

    private let limit: Int
    /// How long without an acknowledgement counts as the store being away.
    private let stallLimit: Duration
    /// Waiting observations from `head` on (the prefix before it was taken, and is compacted away
    /// from time to time, so taking a batch is not O(queue)).
    private var observations: [Observation] = []
    private var head = 0
    private var arrivals: [Arrival] = []
    private var arrivalHead = 0
    private var lastProgress = ContinuousClock.now
    private(set) var hasOverflowed = false
    /// Observations dropped by the last overflow.
    private(set) var droppedByLastOverflow = 0
    /// Overflows since the start (`reset` keeps the count).
    private(set) var overflows = 0

    init(limit: Int, stallLimit: Duration = .seconds(10)) {
        self.limit = limit
        self.stallLimit = stallLimit
    }

    var count: Int { observations.count - head }

    /// The store acknowledged a batch.
    func progressed() { lastProgress = .now }

    /// Adds observations that arrived `at`, waiting for room while the store makes progress;
    /// false (and the buffer emptied) when the store has been silent too long for them to fit.
    func enqueue(_ new: [Observation], at time: Timestamp) async -> Bool {
        guard !new.isEmpty else { return !hasOverflowed }
        while !hasOverflowed, count > 0, count + new.count > limit {
            guard ContinuousClock.now - lastProgress < stallLimit else {
                droppedByLastOverflow = count + new.count
                overflows += 1
                removeAll()
                hasOverflowed = true
                return false
            }
            // The actor is free while this waits: the flusher takes batches meanwhile.
            do { try await Task.sleep(for: .milliseconds(5)) } catch { return false }
        }
        if hasOverflowed { return false }
        observations += new
        arrivals.append(Arrival(instant: .now, time: time, count: new.count))
        return true
    }

    /// A batch of up to `maxObservations` when that many wait or the oldest has waited `maxAge`.
    /// An arrival larger than that (a relist's vanished pods, a PodMetrics list) is split.
    func next(maxObservations: Int, maxAge: Duration) -> Next {
        if hasOverflowed { return .overflowed }
        guard arrivalHead < arrivals.count else { return .wait(maxAge) }
        let age = ContinuousClock.now - arrivals[arrivalHead].instant
        guard count >= maxObservations || age >= maxAge else { return .wait(maxAge - age) }
        var taken: [Arrival] = []
        var remaining = maxObservations
        while remaining > 0, arrivalHead < arrivals.count {
            var arrival = arrivals[arrivalHead]
            if arrival.count <= remaining {
                arrivalHead += 1
            } else {
                arrivals[arrivalHead].count -= remaining
                arrival.count = remaining
            }
            remaining -= arrival.count
            taken.append(arrival)
        }
        let size = maxObservations - remaining
        let batch = Array(observations[head..<head + size])
        head += size
        compactIfWorthIt()
        let observedAt = taken.map(\.time).max() ?? Timestamp(unixMilliseconds: 0)
        return .batch(Batch(observations: batch, observedAt: observedAt, arrivals: taken))
    }

    /// Empties the buffer and clears the overflow, before the feed starts over.
    func reset() {
        removeAll()
        hasOverflowed = false
        lastProgress = .now
    }

    private func removeAll() {
        observations.removeAll()
        arrivals.removeAll()
        head = 0
        arrivalHead = 0
    }

    private func compactIfWorthIt() {
        if head > 4096, head * 2 > observations.count {
            observations.removeFirst(head)
            head = 0
        }
        if arrivalHead > 1024, arrivalHead * 2 > arrivals.count {
            arrivals.removeFirst(arrivalHead)
            arrivalHead = 0
        }
    }
}
