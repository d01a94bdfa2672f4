/// One candidate's leader election over a Lease, as client-go's `tryAcquireOrRenew` decides it, as
/// a plain value: given the lease just read and the times, what to write. The I/O is
/// `LeaderElector`'s.
///
/// Validity is judged by this candidate's own monotonic clock, never by comparing the lease's
/// `renewTime` with the local wall clock (machines' clocks differ): a lease held by another is
/// valid until `leaseDurationSeconds` after this candidate last saw the record change.
public struct LeaseElection: Sendable {
    /// This candidate's identity, written as `holderIdentity`.
    public let identity: String
    /// The durations.
    public let timings: LeaderElectionTimings
    /// The record last read or written.
    public private(set) var observed: LeaseRecord?
    /// When (monotonic) `observed` last changed.
    public private(set) var observedAt: Duration?

    /// What to do after reading the lease.
    public enum Step: Hashable, Sendable {
        /// There is no Lease: create one holding this record.
        case create(LeaseRecord)
        /// Write this record over the one read (with its resourceVersion): acquiring an expired or
        /// released lease, or renewing this candidate's own.
        case update(LeaseRecord)
        /// Another candidate holds a valid lease, for at most `remaining` more.
        case heldByOther(holder: String, remaining: Duration)
    }

    /// A candidate that has seen no lease yet.
    public init(identity: String, timings: LeaderElectionTimings) {
        self.identity = identity
        self.timings = timings
    }

    /// True when the record last read or written names this candidate as holder (client-go's
    /// `IsLeader`).
    public var holdsLease: Bool {
        !identity.isEmpty && observed?.holderIdentity == identity
    }

    /// The step after reading `current` (nil: no Lease), at wall time `wallNow` and monotonic
    /// time `now`.
    public mutating func step(read current: LeaseRecord?, wallNow: MicroTime, now: Duration) -> Step {
        var record = LeaseRecord(holderIdentity: identity, leaseDurationSeconds: timings.leaseDurationSeconds,
                                 acquireTime: wallNow, renewTime: wallNow, leaseTransitions: 0)
        guard let current else { return .create(record) }
        if observed != current || observedAt == nil {
            observed = current
            observedAt = now
        }
        let expires = (observedAt ?? now) + current.leaseDuration
        if !current.holderIdentity.isEmpty, expires > now, !holdsLease {
            return .heldByOther(holder: current.holderIdentity, remaining: expires - now)
        }
        if holdsLease {
            record.acquireTime = current.acquireTime
            record.leaseTransitions = current.leaseTransitions
        } else {
            record.leaseTransitions = min(current.leaseTransitions, LeaseRecord.maximumCount - 1) + 1
        }
        return .update(record)
    }

    /// `record` was written at monotonic time `now`.
    public mutating func wrote(_ record: LeaseRecord, now: Duration) {
        observed = record
        observedAt = now
    }

    /// The record that gives the lease up at `wallNow` (client-go's `release`): no holder, a lease
    /// of one second, the transitions kept. Nil when this candidate does not hold the lease.
    public func releaseRecord(wallNow: MicroTime) -> LeaseRecord? {
        guard holdsLease, let observed else { return nil }
        return LeaseRecord(holderIdentity: "", leaseDurationSeconds: 1, acquireTime: wallNow, renewTime: wallNow,
                           leaseTransitions: observed.leaseTransitions)
    }
}
