import Foundation
import LeaderElection
import Logging
import Testing

/// Candidates racing for one Lease in an in-memory API, on short real timings.
@Suite struct LeaderElectorTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    /// A 30 s lease, so that a takeover within 10 s can only come from a release, with room for a
    /// full parallel test run on 2 cores (where timers fire seconds late).
    static let timings = LeaderElectionTimings(leaseDuration: .seconds(30), renewDeadline: .milliseconds(800),
                                               retryPeriod: .milliseconds(100))

    static func elector(_ api: InMemoryLeaseAPI, _ identity: String) throws -> LeaderElector {
        try LeaderElector(api: api, namespace: "kube-system", leaseName: "vpa-updater", identity: identity,
                          timings: timings, logger: logger)
    }

    /// Runs `elector` with work that runs until cancelled, counting how often it started.
    static func campaign(_ elector: LeaderElector, starts: Counter) -> Task<Void, Never> {
        Task {
            await elector.run {
                await starts.increment()
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            }
        }
    }

    @Test func oneOfTwoLeadsAndAReleaseHandsOverAtOnce() async throws {
        let api = InMemoryLeaseAPI()
        let a = try Self.elector(api, "a"), b = try Self.elector(api, "b")
        let startsA = Counter(), startsB = Counter()
        let runA = Self.campaign(a, starts: startsA)
        let runB = Self.campaign(b, starts: startsB)
        #expect(await eventually {
            let leadingA = await a.isLeading
            let leadingB = await b.isLeading
            return leadingA || leadingB
        })
        // For a second (ten renewals), exactly one leads.
        for _ in 0..<20 {
            let (leadingA, leadingB) = (await a.isLeading, await b.isLeading)
            #expect(leadingA != leadingB)
            try await Task.sleep(for: .milliseconds(50))
        }
        let (leader, follower, leaderRun, followerRun) = await a.isLeading ? (a, b, runA, runB) : (b, a, runB, runA)
        #expect(api.spec(namespace: "kube-system", name: "vpa-updater")?["holderIdentity"] as? String == leader.identity)
        #expect(api.spec(namespace: "kube-system", name: "vpa-updater")?["leaseDurationSeconds"] as? Int == 30)

        // A clean shutdown releases; the follower takes over long before the 30 s lease would expire.
        let stopped = ContinuousClock.now
        leaderRun.cancel()
        await leaderRun.value
        let stillLeading = await leader.isLeading
        #expect(!stillLeading)
        #expect(await eventually(timeout: .seconds(10)) { await follower.isLeading })
        #expect(ContinuousClock.now - stopped < .seconds(10))
        let spec = api.spec(namespace: "kube-system", name: "vpa-updater")
        #expect(spec?["holderIdentity"] as? String == follower.identity)
        #expect(spec?["leaseTransitions"] as? Int == 1)
        #expect(await eventually { await startsA.value + (await startsB.value) == 2 })
        followerRun.cancel()
        await followerRun.value
        #expect(api.spec(namespace: "kube-system", name: "vpa-updater")?["holderIdentity"] == nil)
    }

    /// A write that conflicts (another writer since the read) fails; the next attempt reads again
    /// and succeeds.
    @Test func conflictReadsAgain() async throws {
        let api = InMemoryLeaseAPI()
        let a = try Self.elector(api, "a")
        #expect(await a.tryAcquireOrRenew())
        api.interfereWithNextPut()
        #expect(await !a.tryAcquireOrRenew())
        #expect(await a.tryAcquireOrRenew())
        #expect(api.successfulWrites.map(\.method) == ["POST", "PUT"])
    }

    /// Concurrent first attempts: the Lease is created once, by one of them.
    @Test func concurrentCreatesOneWins() async throws {
        for _ in 0..<10 {
            let api = InMemoryLeaseAPI()
            let a = try Self.elector(api, "a"), b = try Self.elector(api, "b")
            async let wonA = a.tryAcquireOrRenew()
            async let wonB = b.tryAcquireOrRenew()
            let results = await [wonA, wonB]
            #expect(results.filter { $0 }.count == 1)
            #expect(api.successfulWrites.count == 1)
        }
    }

    /// The API unreachable: the leader stops its work within the renew deadline (plus a retry
    /// period), before the lease could expire for the others; when the API is back it leads again.
    @Test func stopsActingWhenItCannotRenew() async throws {
        let api = InMemoryLeaseAPI()
        let a = try Self.elector(api, "a")
        let starts = Counter()
        let run = Self.campaign(a, starts: starts)
        #expect(await eventually { await a.isLeading })
        let down = ContinuousClock.now
        api.down = true
        #expect(await eventually(timeout: .seconds(25)) { await !a.isLeading })
        let lost = ContinuousClock.now - down
        #expect(lost >= .milliseconds(800))
        #expect(lost < Self.timings.leaseDuration)
        api.down = false
        #expect(await eventually { await a.isLeading })
        // The work started again (it starts just after leadership is taken).
        #expect(await eventually { await starts.value == 2 })
        run.cancel()
        await run.value
    }

    @Test func refusesBadNames() {
        #expect(throws: LeaderElectionError.self) {
            try LeaderElector(api: InMemoryLeaseAPI(), namespace: "Kube_System", leaseName: "x", logger: Self.logger)
        }
        #expect(throws: LeaderElectionError.self) {
            try LeaderElector(api: InMemoryLeaseAPI(), namespace: "ns", leaseName: "a/b", logger: Self.logger)
        }
    }
}

/// A count shared between tasks.
actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}

/// True as soon as `condition` holds, polling every 20 ms; false after `timeout`.
func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
