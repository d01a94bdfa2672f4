import VPAModel

/// The observations waiting for the store, bounded: batches by size or age, and a flag once it had
/// to drop everything (the feed then relists).
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
    private var observations: [Observation] = []
    private var arrivals: [Arrival] = []
    private(set) var hasOverflowed = false
    /// Observations dropped by overflows since the start.
    private(set) var droppedTotal = 0

    init(limit: Int) { self.limit = limit }

    var count: Int { observations.count }

    /// Adds observations that arrived `at`; false (and the buffer emptied) when they do not fit.
    func enqueue(_ new: [Observation], at time: Timestamp) -> Bool {
        guard !new.isEmpty else { return !hasOverflowed }
        if hasOverflowed { return false }
        if observations.count + new.count > limit {
            droppedTotal += observations.count + new.count
            observations.removeAll()
            arrivals.removeAll()
            hasOverflowed = true
            return false
        }
        observations += new
        arrivals.append(Arrival(instant: .now, time: time, count: new.count))
        return true
    }

    /// A batch of up to `maxObservations` when that many wait or the oldest has waited `maxAge`.
    func next(maxObservations: Int, maxAge: Duration) -> Next {
        if hasOverflowed { return .overflowed }
        guard let oldest = arrivals.first?.instant else { return .wait(maxAge) }
        let age = ContinuousClock.now - oldest
        guard observations.count >= maxObservations || age >= maxAge else { return .wait(maxAge - age) }
        var taken: [Arrival] = []
        var count = 0
        // Whole arrivals only (a list page stays in one batch), unless one arrival alone is larger.
        while let first = arrivals.first, count == 0 || count + first.count <= maxObservations {
            taken.append(first)
            count += first.count
            arrivals.removeFirst()
        }
        let batch = Array(observations.prefix(count))
        observations.removeFirst(count)
        let observedAt = taken.map(\.time).max() ?? Timestamp(unixMilliseconds: 0)
        return .batch(Batch(observations: batch, observedAt: observedAt, arrivals: taken))
    }

    /// Empties the buffer and clears the overflow, before the feed starts over.
    func reset() {
        observations.removeAll()
        arrivals.removeAll()
        hasOverflowed = false
    }
}
