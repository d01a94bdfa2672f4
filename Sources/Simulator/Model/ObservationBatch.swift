import VPAModel

/// The observations made at one simulated instant, in the order to ingest them: VPAs, pods that
/// changed, pods that are gone, then usage (a pod's usage needs its pod first).
public struct ObservationBatch: Hashable, Sendable {
    /// When they were observed.
    public var at: Timestamp
    /// The observations, in ingest order.
    public var observations: [Observation]

    /// A batch.
    public init(at: Timestamp, observations: [Observation]) {
        self.at = at
        self.observations = observations
    }
}

/// What one step of the model produced: a batch per instant at which something was observed, in
/// time order (a resize that starts and finishes inside a step shows both states).
public struct StepOutput: Hashable, Sendable {
    /// The simulated time before the step.
    public var from: Timestamp
    /// The simulated time after the step.
    public var to: Timestamp
    /// One batch per instant with something to report, in time order.
    public var batches: [ObservationBatch]

    /// A step's output.
    public init(from: Timestamp, to: Timestamp, batches: [ObservationBatch]) {
        self.from = from
        self.to = to
        self.batches = batches
    }

    /// Every observation of the step, in order.
    public var observations: [Observation] { batches.flatMap(\.observations) }
}
