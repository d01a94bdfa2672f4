import Logging
import StoreAPI
import VPAModel

/// Runs a `ClusterSimulation` against a vpa-store server: each step ingests what the cluster
/// showed (at the simulated time), after first carrying out what the updater decided since the
/// last step (`ResizeRequested` → new desired resources; `UpdaterDecision` evict → the pod is
/// deleted and its ReplicaSet replaces it, with the latest recommendation as admission would set).
///
/// The recommender and updater are not part of this module: they run as their own processes, or
/// in `afterStep`, which `run` calls after every step with the simulated time.
///
/// The first step reads decisions from the store's head at that moment, so use a fresh store (or
/// a new seed or start time): pod UIDs depend only on the scenario and its seed.
public actor SimulationRunner {
    /// The store the simulation reports to, local or behind a server.
    public let store: any StoreAPI
    private let logger: Logger
    var model: ClusterSimulation
    /// What the run did so far.
    public internal(set) var summary: SimulationSummary
    /// Next positions to read `ResizeRequested` and `UpdaterDecision` events from; nil before the first step.
    var cursors: (resize: Int64, decision: Int64)?
    /// Largest number of observations in one ingest call.
    private let ingestChunk = 1000

    /// A runner of `scenario` reporting to `store`.
    public init(store: any StoreAPI, scenario: Scenario, logger: Logger) throws(ScenarioError) {
        self.store = store
        self.logger = logger
        self.model = try ClusterSimulation(scenario: scenario)
        self.summary = SimulationSummary(start: scenario.start)
    }

    /// The simulated time.
    public var now: Timestamp { model.now }

    /// The cluster as it is now.
    public var cluster: ClusterSimulation { model }

    /// Runs `steps` steps of `stepDuration`, calling `afterStep` with the simulated time after each
    /// (to run a recommender and an updater against the store, for example).
    public func run(steps: Int, stepDuration: Duration = .seconds(60),
                    afterStep: (@Sendable (Timestamp) async throws -> Void)? = nil) async throws -> SimulationSummary {
        for _ in 0..<max(0, steps) {
            try Task.checkCancellation()
            try await step(duration: stepDuration)
            if let afterStep { try await afterStep(model.now) }
        }
        logger.info("Simulation finished", metadata: ["simulation.scenario": "\(model.scenario.name)",
                                                      "simulation.summary": "\(summary)"])
        return summary
    }

    /// One step: applies the updater's decisions made since the last step, advances the cluster by
    /// `duration` (of simulated time) and ingests what it showed.
    public func step(duration: Duration = .seconds(60)) async throws(RPCStatus) {
        let milliseconds = duration.wholeMilliseconds
        try await applyDecisions(stepEnd: model.now.advanced(byMilliseconds: milliseconds))
        let output = model.advance(byMilliseconds: milliseconds)
        for batch in output.batches { try await ingest(batch) }
        summary.steps += 1
        summary.now = model.now
        summary.cluster = model.counters
        logger.debug("Simulated a step", metadata: ["simulation.time": "\(model.now.rfc3339)",
                                                    "simulation.batches": "\(output.batches.count)"])
    }

    private func ingest(_ batch: ObservationBatch) async throws(RPCStatus) {
        var start = 0
        while start < batch.observations.count {
            let chunk = Array(batch.observations[start..<min(start + ingestChunk, batch.observations.count)])
            start += chunk.count
            let response = try await store.ingest(IngestRequest(observedAt: batch.at, observations: chunk))
            summary.ingestRequests += 1
            summary.observationsSent += chunk.count
            summary.eventsAppended += response.summary.eventsAppended
            summary.resizeTransitionsDerived += response.summary.resizeTransitions
            summary.oomKillsDerived += response.summary.oomKills
            summary.observationsSetAside += response.summary.stale + response.summary.usageWithoutPod
            if response.summary.stale > 0 || response.summary.usageWithoutPod > 0 {
                logger.info("The store set aside simulated observations",
                            metadata: ["simulation.time": "\(batch.at.rfc3339)",
                                       "ingest.stale": "\(response.summary.stale)",
                                       "ingest.usage_without_pod": "\(response.summary.usageWithoutPod)"])
            }
        }
    }
}
