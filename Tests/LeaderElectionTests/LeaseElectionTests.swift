import LeaderElection
import Testing

/// client-go's `tryAcquireOrRenew` as a plain value: what a candidate writes after each read.
@Suite struct LeaseElectionTests {
    static let timings = LeaderElectionTimings()
    static let wall = MicroTime(unixMicroseconds: 1_793_610_000_000_000)

    static func at(_ seconds: Double) -> (wall: MicroTime, now: Duration) {
        (wall.advanced(by: .seconds(seconds)), .seconds(seconds))
    }

    static func record(_ holder: String, transitions: Int = 0, renewedAt seconds: Double = 0) -> LeaseRecord {
        LeaseRecord(holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: wall, renewTime: at(seconds).wall,
                    leaseTransitions: transitions)
    }

    @Test func createsTheLeaseWhenThereIsNone() {
        var election = LeaseElection(identity: "a", timings: Self.timings)
        let step = election.step(read: nil, wallNow: Self.wall, now: .zero)
        #expect(step == .create(LeaseRecord(holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: Self.wall,
                                            renewTime: Self.wall, leaseTransitions: 0)))
        #expect(!election.holdsLease)
    }

    /// Another's lease is valid for its duration after this candidate last saw it change, on this
    /// candidate's own clock: not by its renewTime (clocks differ).
    @Test func waitsForAnothersLeaseToExpire() {
        var election = LeaseElection(identity: "b", timings: Self.timings)
        // Seen first at 100 s, with a renewTime far in the past by our clock: still valid 15 s from now.
        let held = Self.record("a", renewedAt: -3600)
        #expect(election.step(read: held, wallNow: Self.at(100).wall, now: .seconds(100))
                == .heldByOther(holder: "a", remaining: .seconds(15)))
        #expect(election.step(read: held, wallNow: Self.at(114).wall, now: .seconds(114))
                == .heldByOther(holder: "a", remaining: .seconds(1)))
        // The holder renewed (the record changed), seen at 115 s: valid until 130 s.
        let renewed = Self.record("a", renewedAt: 110)
        #expect(election.step(read: renewed, wallNow: Self.at(115).wall, now: .seconds(115))
                == .heldByOther(holder: "a", remaining: .seconds(15)))
        // No change seen for 15 s: expired, taken over with one more transition.
        let (wall, now) = Self.at(130)
        #expect(election.step(read: renewed, wallNow: wall, now: now)
                == .update(LeaseRecord(holderIdentity: "b", leaseDurationSeconds: 15, acquireTime: wall, renewTime: wall,
                                       leaseTransitions: 1)))
    }

    @Test func takesAReleasedLeaseAtOnce() {
        var election = LeaseElection(identity: "b", timings: Self.timings)
        let released = LeaseRecord(holderIdentity: "", leaseDurationSeconds: 1, acquireTime: Self.wall, renewTime: Self.wall,
                                   leaseTransitions: 4)
        let (wall, now) = Self.at(0.1)
        #expect(election.step(read: released, wallNow: wall, now: now)
                == .update(LeaseRecord(holderIdentity: "b", leaseDurationSeconds: 15, acquireTime: wall, renewTime: wall,
                                       leaseTransitions: 5)))
    }

    /// The holder renews: same acquireTime and transitions, a new renewTime.
    @Test func renewsItsOwnLease() {
        var election = LeaseElection(identity: "a", timings: Self.timings)
        guard case .create(let created) = election.step(read: nil, wallNow: Self.wall, now: .zero) else {
            Issue.record("expected a create")
            return
        }
        election.wrote(created, now: .zero)
        #expect(election.holdsLease)
        let (wall, now) = Self.at(2)
        #expect(election.step(read: created, wallNow: wall, now: now)
                == .update(LeaseRecord(holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: Self.wall, renewTime: wall,
                                       leaseTransitions: 0)))
        // Released: no holder, a one-second lease, the transitions kept.
        #expect(election.releaseRecord(wallNow: wall)
                == LeaseRecord(holderIdentity: "", leaseDurationSeconds: 1, acquireTime: wall, renewTime: wall, leaseTransitions: 0))
    }

    /// Someone else took the lease (after ours expired): this candidate no longer holds it, and waits.
    @Test func losesTheLeaseToAnother() {
        var election = LeaseElection(identity: "a", timings: Self.timings)
        election.wrote(Self.record("a"), now: .zero)
        let taken = Self.record("b", transitions: 1, renewedAt: 20)
        #expect(election.step(read: taken, wallNow: Self.at(20).wall, now: .seconds(20))
                == .heldByOther(holder: "b", remaining: .seconds(15)))
        #expect(!election.holdsLease)
        #expect(election.releaseRecord(wallNow: Self.wall) == nil)
    }

    @Test func refusesTimingsClientGoRefuses() {
        #expect(throws: LeaderElectionError.self) {
            try LeaderElectionTimings(leaseDuration: .seconds(10), renewDeadline: .seconds(10)).validate()
        }
        #expect(throws: LeaderElectionError.self) {
            try LeaderElectionTimings(renewDeadline: .seconds(2), retryPeriod: .seconds(2)).validate()
        }
        #expect(throws: LeaderElectionError.self) {
            try LeaderElectionTimings(leaseDuration: .milliseconds(900), renewDeadline: .milliseconds(500),
                                      retryPeriod: .milliseconds(100)).validate()
        }
        #expect(throws: Never.self) { try LeaderElectionTimings().validate() }
    }
}
