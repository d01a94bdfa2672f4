/// How long a lease lasts and how often it is renewed: client-go's `LeaderElectionConfig` durations.
public struct LeaderElectionTimings: Hashable, Sendable {
    /// How long a non-leader waits after it last saw the lease change before it may take it
    /// (`--leader-elect-lease-duration`, client-go's 15 s). Written in the Lease in whole seconds.
    public var leaseDuration: Duration
    /// How long the leader keeps trying to renew before it gives up leadership and stops acting
    /// (`--leader-elect-renew-deadline`, 10 s).
    public var renewDeadline: Duration
    /// Time between attempts to acquire or renew (`--leader-elect-retry-period`, 2 s).
    public var retryPeriod: Duration

    /// client-go's defaults: 15 s, 10 s, 2 s.
    public init(leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
                retryPeriod: Duration = .seconds(2)) {
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }

    /// client-go's jitter factor: acquire attempts are spread over [1, 2.2) retry periods, and the
    /// renew deadline must exceed 1.2 retry periods.
    static let jitterFactor = 1.2

    /// `leaseDuration` in whole seconds, as the Lease records it.
    public var leaseDurationSeconds: Int {
        Int(min(leaseDuration.components.seconds, Int64(LeaseRecord.maximumCount)))
    }

    /// Checks the durations as client-go's `NewLeaderElector` does.
    ///
    /// - Throws: a sentence naming the flag to change.
    public func validate() throws(LeaderElectionError) {
        guard leaseDuration >= .seconds(1) else {
            throw .invalidTimings("--leader-elect-lease-duration must be at least 1s (the Lease records whole seconds)")
        }
        guard retryPeriod > .zero else { throw .invalidTimings("--leader-elect-retry-period must be a positive duration, such as 2s") }
        guard leaseDuration > renewDeadline else {
            throw .invalidTimings("--leader-elect-lease-duration must be longer than --leader-elect-renew-deadline")
        }
        guard renewDeadline > retryPeriod * Self.jitterFactor else {
            throw .invalidTimings("--leader-elect-renew-deadline must be longer than 1.2 × --leader-elect-retry-period")
        }
    }
}

/// Why leader election cannot run.
public enum LeaderElectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The durations contradict each other (a renew deadline longer than the lease, …).
    case invalidTimings(String)
    /// The lease's namespace or name is not a valid Kubernetes name.
    case invalidLeaseName(String)

    public var description: String {
        switch self {
        case .invalidTimings(let message): message
        case .invalidLeaseName(let message): message
        }
    }
}
