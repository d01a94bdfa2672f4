import VPAModel

/// Where a client loop (recommender, updater) takes "now" from.
public enum LogClock: String, Hashable, Sendable, CaseIterable {
    /// The machine's clock: production.
    case wall
    /// The log's latest `occurredAt` (`--now-from-log`): for a simulated cluster whose observations
    /// run on a fast clock, so ages, timeouts and the 12-hour rule follow the simulation.
    case log
}
