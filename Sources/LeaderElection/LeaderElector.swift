import Foundation
import KubernetesAPI
import Logging
import NIOHTTP1
import VPAModel

/// Leader election over a coordination.k8s.io/v1 `Lease`, as client-go's `leaderelection` package
/// runs it: a candidate acquires the lease when it is absent, released or expired, renews it every
/// retry period while it leads, and gives leadership up (stops acting) when it cannot renew within
/// the renew deadline. Writes are optimistic: a PUT carries the resourceVersion read, and a 409
/// conflict means another candidate wrote first, so the next attempt reads again.
///
/// `run(whileLeading:)` runs the work only while this candidate leads and releases the lease when
/// it ends, so the next candidate takes over at its next attempt instead of after the lease expires.
public actor LeaderElector {
    /// This candidate's identity: by default the host name and a UUID, as upstream VPA's.
    public nonisolated let identity: String
    /// The Lease's namespace.
    public nonisolated let namespace: String
    /// The Lease's name.
    public nonisolated let leaseName: String
    /// The durations.
    public nonisolated let timings: LeaderElectionTimings

    private let api: any KubernetesRequestSending
    private let logger: Logger
    private var election: LeaseElection
    /// The Lease last read or written, whose resourceVersion the next update sends.
    private var cached: LeaseObject?
    /// True while `run` runs the work.
    private var leading = false
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    /// A candidate for the Lease `namespace/leaseName`, talking to `api`.
    ///
    /// - Throws: `LeaderElectionError` for durations client-go would refuse or a name that is not
    ///   a Kubernetes object name.
    public init(api: any KubernetesRequestSending, namespace: String, leaseName: String,
                identity: String = LeaderElector.defaultIdentity(), timings: LeaderElectionTimings = LeaderElectionTimings(),
                logger: Logger) throws(LeaderElectionError) {
        try timings.validate()
        for (flag, value, limit) in [("--leader-elect-namespace", namespace, 63), ("--leader-elect-lease-name", leaseName, 253)]
            where !isKubernetesName(value, maximumLength: limit, allowingDots: true) {
            throw .invalidLeaseName("\(flag) \"\(value)\" is not a Kubernetes name: use lowercase letters, digits, '-' and '.', at most \(limit) characters")
        }
        guard !identity.isEmpty else { throw .invalidLeaseName("the leader election identity must not be empty") }
        self.api = api
        self.namespace = namespace
        self.leaseName = leaseName
        self.identity = identity
        self.timings = timings
        self.logger = logger
        self.election = LeaseElection(identity: identity, timings: timings)
        self.origin = clock.now
    }

    /// `HOSTNAME_UUID`, unique per process even for replicas on one node.
    public static func defaultIdentity() -> String {
        "\(ProcessInfo.processInfo.hostName)_\(UUID().uuidString.lowercased())"
    }

    /// True while this candidate leads and its work runs.
    public var isLeading: Bool { leading }

    private var leasePath: String { APIResource.leases.objectPath(namespace: namespace, name: leaseName) }
    private var monotonicNow: Duration { clock.now - origin }

    // MARK: - Running

    /// Campaigns for the lease and runs `work` while this candidate leads, until `work` returns or
    /// the task is cancelled; then releases the lease. When leadership is lost (no renewal within
    /// the renew deadline), `work` is cancelled and awaited, and the candidate campaigns again.
    public func run(whileLeading work: @escaping @Sendable () async -> Void) async {
        enum Outcome { case workEnded, leadershipLost }
        while !Task.isCancelled {
            guard await acquire() else { break }
            leading = true
            logger.info("Became the leader", metadata: ["lease": "\(namespace)/\(leaseName)", "identity": "\(identity)"])
            let outcome = await withTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    await work()
                    return .workEnded
                }
                group.addTask {
                    await self.renewUntilLost()
                    return .leadershipLost
                }
                let first = await group.next() ?? .workEnded
                group.cancelAll()
                return first
            }
            leading = false
            guard outcome == .leadershipLost, !Task.isCancelled else { break }
            logger.warning("Lost leadership: stopped acting; campaigning again", metadata: [
                "lease": "\(namespace)/\(leaseName)", "identity": "\(identity)"])
        }
        // The release must reach the API even though this task is cancelled: an unstructured task
        // does not inherit the cancellation.
        await Task { await self.release() }.value
    }

    /// Tries to acquire every retry period (jittered as client-go does) until it succeeds (true) or
    /// the task is cancelled (false).
    private func acquire() async -> Bool {
        logger.info("Campaigning for leadership", metadata: ["lease": "\(namespace)/\(leaseName)", "identity": "\(identity)"])
        while !Task.isCancelled {
            if await tryAcquireOrRenew() { return true }
            let jitter = Double.random(in: 0..<LeaderElectionTimings.jitterFactor)
            do {
                try await Task.sleep(for: timings.retryPeriod + timings.retryPeriod * jitter)
            } catch {
                return false
            }
        }
        return false
    }

    /// Renews every retry period; returns when a renewal did not succeed within the renew deadline
    /// (leadership lost) or when cancelled.
    private func renewUntilLost() async {
        while true {
            do {
                try await Task.sleep(for: timings.retryPeriod)
            } catch {
                return
            }
            let deadline = clock.now + timings.renewDeadline
            var renewed = false
            while !renewed, !Task.isCancelled, clock.now < deadline {
                renewed = await attempt(before: deadline)
                if !renewed {
                    try? await Task.sleep(until: min(clock.now + timings.retryPeriod, deadline), clock: clock)
                }
            }
            if Task.isCancelled { return }
            if !renewed {
                logger.warning("Could not renew the lease within the renew deadline", metadata: [
                    "lease": "\(namespace)/\(leaseName)", "renew_deadline": "\(timings.renewDeadline)"])
                return
            }
        }
    }

    /// One `tryAcquireOrRenew` that counts as failed when it has not succeeded by `deadline` (a
    /// request that hangs is cancelled).
    private func attempt(before deadline: ContinuousClock.Instant) async -> Bool {
        await Self.succeeds(before: deadline) { await self.tryAcquireOrRenew() }
    }

    /// True when `work` returns true before `deadline`; `work` is cancelled at the deadline.
    private static func succeeds(before deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () async -> Bool) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await work() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: ContinuousClock())
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    // MARK: - One attempt

    /// Reads the lease and, when it is absent, released, expired or this candidate's, writes it
    /// with this candidate as holder. True when this candidate holds the lease afterwards.
    ///
    /// Failures (the API unreachable, a 409 conflict with another candidate's write) return false
    /// and are logged; the next attempt reads again.
    public func tryAcquireOrRenew() async -> Bool {
        let current: LeaseObject?
        do throws(KubernetesAPIError) {
            let bytes = try await api.send(.GET, leasePath, query: [], body: nil, contentType: nil)
            do {
                current = try LeaseObject.decode(bytes)
            } catch {
                logger.warning("The Lease does not decode; not touching it", metadata: [
                    "lease": "\(namespace)/\(leaseName)", "error": "\(error)"])
                return false
            }
        } catch where error.code == 404 {
            current = nil
        } catch {
            logger.info("Could not read the Lease", metadata: ["lease": "\(namespace)/\(leaseName)", "error": "\(error)"])
            return false
        }
        if let current { cached = current }
        switch election.step(read: current?.record, wallNow: .now, now: monotonicNow) {
        case .heldByOther(let holder, let remaining):
            logger.debug("The lease is held by another candidate", metadata: [
                "lease": "\(namespace)/\(leaseName)", "holder": "\(holder)", "remaining": "\(remaining)"])
            return false
        case .create(let record):
            let object = LeaseObject(namespace: namespace, name: leaseName, record: record)
            let path = APIResource.leases.collectionPath(namespace: namespace)
            return await write(.POST, path, object, record)
        case .update(let record):
            guard var object = current else { return false }
            object.record = record
            return await write(.PUT, leasePath, object, record)
        }
    }

    private func write(_ method: HTTPMethod, _ path: String, _ object: LeaseObject, _ record: LeaseRecord) async -> Bool {
        do throws(KubernetesAPIError) {
            let answer = try await api.send(method, path, query: [], body: object.encoded(), contentType: "application/json")
            cached = (try? LeaseObject.decode(answer)) ?? object
            election.wrote(record, now: monotonicNow)
            return true
        } catch where error.code == 409 {
            // Another candidate wrote between our read and our write (or created the Lease first).
            logger.debug("Lease write conflicted; reading again next attempt", metadata: [
                "lease": "\(namespace)/\(leaseName)", "error": "\(error)"])
            return false
        } catch {
            logger.info("Could not write the Lease", metadata: ["lease": "\(namespace)/\(leaseName)", "error": "\(error)"])
            return false
        }
    }

    /// Gives the lease up when this candidate holds it: no holder, a one-second lease, so the next
    /// candidate takes over at its next attempt. Reads the lease first (a renewal cut short by the
    /// shutdown may have been written without this candidate seeing its resourceVersion), and
    /// reads again after a conflict. Bounded by the renew deadline.
    public func release() async {
        guard election.holdsLease else { return }
        let deadline = clock.now + timings.renewDeadline
        let done = await Self.succeeds(before: deadline) { await self.releaseAttempts() }
        if done {
            logger.info("Released the lease", metadata: ["lease": "\(namespace)/\(leaseName)", "identity": "\(identity)"])
        } else {
            logger.warning("Could not release the lease; the next leader takes over when it expires", metadata: [
                "lease": "\(namespace)/\(leaseName)"])
        }
    }

    /// Up to three reads and writes of the released record; true when released (or no longer ours).
    private func releaseAttempts() async -> Bool {
        for _ in 0..<3 {
            if Task.isCancelled { return false }
            let current: LeaseObject
            do throws(KubernetesAPIError) {
                let bytes = try await api.send(.GET, leasePath, query: [], body: nil, contentType: nil)
                guard let decoded = try? LeaseObject.decode(bytes) else { return false }
                current = decoded
            } catch where error.code == 404 {
                return true
            } catch {
                logger.info("Could not read the Lease to release it", metadata: [
                    "lease": "\(namespace)/\(leaseName)", "error": "\(error)"])
                return false
            }
            // Taken over since: nothing of ours to release.
            guard current.record.holderIdentity == identity,
                  var record = election.releaseRecord(wallNow: .now) else { return true }
            record.leaseTransitions = current.record.leaseTransitions
            var released = current
            released.record = record
            if await write(.PUT, leasePath, released, record) { return true }
        }
        return false
    }
}
