import Logging
import StoreAPI
import Updater
import VPAModel

/// vpa-updater's loop (DESIGN §2, §3.2, §3.4): reads the VPAs and live pods from the store, decides
/// per pod with `UpdatePlanner`, records each decision in the store, and carries out resizes and
/// evictions through a `PodActuator` when it has one.
///
/// Each loop (`runOnce(now:)`):
/// 1. `ListVpas` (with recommendations) and `ListPods` judged at `now` with the configured timeouts.
/// 2. `UpdatePlanner.plans(for:pods:now:)`: each pod under the first VPA that manages it, grouped
///    by controller owner.
/// 3. For each decision that differs from the one recorded for the pod by this runner's previous
///    loops (action with its targets, rule, VPA and mode; the reason's elapsed times alone do not
///    count), an `UpdaterDecision` on the pod's stream; for a resize in place, a `ResizeRequested`
///    just before it, so that the store attributes the coming spec change to the VPA. Appended in
///    batches of up to 500 pods, each with an idempotency key made of the store position, the loop's
///    time and the batch's number; events carry the loop's time as `occurredAt`. A restarted runner
///    records each pod's current decision once.
/// 4. With an actuator: the resizes, then the evictions, in the plan's order. A resize that fails
///    in InPlaceOrRecreate mode falls back to evicting the pod (upstream's fallback), recorded as
///    its own decision; in InPlace mode it is recorded as a wait and tried again next loop.
///    A resize or eviction this runner already sent is not sent again until the store shows its
///    result (the pod's spec has the targets; the pod is gone) or `resendAfter` passes on the
///    runner's clock. An eviction the API refuses with 429 (a PodDisruptionBudget) is recorded as a
///    wait, once while it stays refused; when it later goes through, the eviction is recorded. A pod
///    the API no longer has (404) is skipped. A cancelled loop (shutdown, or leadership lost) sends
///    nothing more.
public actor UpdaterRunner {
    /// How the runner runs.
    public nonisolated let configuration: UpdaterRunnerConfiguration
    /// The store, local or behind a server.
    private let store: any StoreAPI
    private let actuator: (any PodActuator)?
    private let logger: Logger
    private let planner: UpdatePlanner

    /// The last decision recorded per pod key (UID, or namespace/name).
    private var recorded: [String: RecordedDecision] = [:]
    /// The resize or eviction last sent per pod key, and when (the loop's time).
    private var sent: [String: SentActuation] = [:]

    /// Leadership (re)gained: what this replica decided and sent before may have been overtaken by
    /// another leader's work, so nothing it remembers suppresses a decision or a request.
    public func startedLeading() {
        recorded.removeAll()
        sent.removeAll()
    }
    /// Per pod key, the eviction decision the API refused with 429, recorded as a wait instead; the
    /// eviction is recorded when it goes through.
    private var refusedEvictions: [String: RecordedDecision] = [:]
    private var loops = 0
    private var loopInProgress = false
    /// The previous loop's log time, so `Clock.log` never goes back.
    private var latestLogTime: Timestamp?

    /// The most pods whose decisions one append records.
    static let podsPerAppend = 500

    /// What makes two decisions for a pod the same, for recording only changes.
    struct RecordedDecision: Hashable, Sendable {
        var action: UpdateAction
        var cause: DecisionCause
        var vpa: VPAKey
        var mode: VPAUpdateMode
    }

    /// A resize or eviction sent for a pod.
    struct SentActuation: Hashable, Sendable {
        /// The resize's targets, or nil for an eviction.
        var resize: [ResizeRequest.Target]?
        var at: Timestamp
    }

    /// A runner over `store` (a `LocalStore`, or a `StoreClient` of a server); `actuator` nil records decisions only. `logger` comes from the caller.
    public init(store: any StoreAPI, configuration: UpdaterRunnerConfiguration = UpdaterRunnerConfiguration(),
                actuator: (any PodActuator)? = nil, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.actuator = actuator
        self.logger = logger
        self.planner = UpdatePlanner(configuration: configuration.planner)
    }

    /// Closes the connection to the store; a later loop opens a new one.
    public func close() async {
        await store.close()
    }

    /// Runs one loop at `now` (nil = the configured clock).
    ///
    /// - Throws: `RPCStatus` from the store (nothing was actuated when reading or recording failed);
    ///   `UpdaterRunnerError.loopInProgress` when called while another loop of this runner runs.
    ///   Actuation failures do not throw: they are logged, counted and recorded.
    public func runOnce(now explicitNow: Timestamp? = nil) async throws -> UpdaterLoopSummary {
        guard !loopInProgress else { throw UpdaterRunnerError.loopInProgress }
        loopInProgress = true
        defer { loopInProgress = false }
        loops += 1

        let now = try await resolveNow(explicitNow)
        let listed = try await store.vpas()
        let pods = try await store.allPods(now: now, timeouts: configuration.planner.resizeTimeouts)
        let plans = planner.plans(for: listed.vpas, pods: pods, now: now, limitRanges: listed.limitRanges)
        var summary = UpdaterLoopSummary(loop: loops, now: now, vpas: listed.vpas.count)

        var changes: [(pod: String, decision: RecordedDecision, events: [AppendEvent])] = []
        var live = Set<String>()
        for group in plans {
            for decision in group.plan.decisions {
                let pod = Self.podKey(decision)
                live.insert(pod)
                summary.pods += 1
                switch decision.action {
                case .resizeInPlace: summary.resizes += 1
                case .evict: summary.evictions += 1
                case .wait: summary.waiting += 1
                case .none: break
                }
                summary.decisions[PlannedDecision(action: Self.recordedAction(decision.action), cause: decision.cause), default: 0] += 1
                let key = RecordedDecision(action: decision.action, cause: decision.cause, vpa: group.vpa.vpa.key,
                                           mode: group.vpa.vpa.updateMode)
                if let refused = refusedEvictions[pod] {
                    // The same eviction, still wanted, is recorded when the API lets it through.
                    if refused == key { continue }
                    refusedEvictions[pod] = nil
                }
                guard recorded[pod] != key else { continue }
                changes.append((pod, key, events(for: decision, vpa: group.vpa.vpa, now: now)))
            }
        }
        // Pods gone from the store are forgotten, so the maps stay the size of the cluster.
        recorded = recorded.filter { live.contains($0.key) }
        sent = sent.filter { live.contains($0.key) }
        refusedEvictions = refusedEvictions.filter { live.contains($0.key) }
        // Batches of a bounded size keep each append well inside the frame limit on a first loop over
        // a large cluster; each batch has its own idempotency key.
        let idempotencyKey = "\(configuration.name)/\(listed.position)/\(now.unixMilliseconds)"
        for (batch, start) in stride(from: 0, to: changes.count, by: Self.podsPerAppend).enumerated() {
            let slice = Array(changes[start..<min(start + Self.podsPerAppend, changes.count)])
            let recordedPods = try await record(slice, idempotencyKey: batch == 0 ? idempotencyKey : "\(idempotencyKey)/\(batch)")
            summary.decisionsRecorded += recordedPods.count
        }

        if let actuator {
            let podsByKey = Dictionary(pods.map { ($0.pod.streamKey, $0.pod) },
                                       uniquingKeysWith: { first, _ in first })
            actuating: for group in plans {
                for decision in group.plan.decisions {
                    // Shut down, or no longer the leader: another updater may be acting now.
                    if Task.isCancelled { break actuating }
                    guard let pod = podsByKey[Self.podKey(decision)] else { continue }
                    await actuate(decision, pod: pod, group: group, actuator: actuator, now: now, summary: &summary)
                }
            }
        }
        logger.debug("Updater loop done", metadata: [
            "loop": "\(summary.loop)", "pods": "\(summary.pods)", "resizes": "\(summary.resizes)",
            "evictions": "\(summary.evictions)", "recorded": "\(summary.decisionsRecorded)"])
        return summary
    }

    // MARK: - Recording

    static func podKey(_ decision: PodDecision) -> String {
        decision.uid ?? PodKey(namespace: decision.namespace, name: decision.name).description
    }

    /// The events that record `decision`: `ResizeRequested` first for a resize, then `UpdaterDecision`.
    private func events(for decision: PodDecision, vpa: VPAObservation, now: Timestamp,
                        reason: String? = nil) -> [AppendEvent] {
        let pod = Self.podKey(decision)
        let text = "\(decision.cause.rawValue): \(reason ?? decision.reason)"
        var events: [AppendEvent] = []
        if case .resizeInPlace(let targets) = decision.action {
            events.append(AppendEvent(podKey: pod, occurredAt: now, body: .resizeRequested(
                ResizeRequest(targets: targets, requestedBy: configuration.name, reason: text))))
        }
        events.append(AppendEvent(podKey: pod, occurredAt: now, body: .updaterDecision(UpdaterDecisionRecord(
            action: Self.recordedAction(decision.action), reason: text, vpa: vpa.key.description, updateMode: vpa.updateMode))))
        return events
    }

    static func recordedAction(_ action: UpdateAction) -> UpdaterDecisionRecord.Action {
        switch action {
        case .resizeInPlace: .resizeInPlace
        case .evict: .evict
        case .wait: .wait
        case .none: .none
        }
    }

    /// Appends the changes in one batch; when a pod is gone since the loop listed it (NOT_FOUND),
    /// pod by pod, skipping the gone ones. Returns the pods recorded; `recorded` is updated for them.
    private func record(_ changes: [(pod: String, decision: RecordedDecision, events: [AppendEvent])],
                        idempotencyKey: String) async throws(RPCStatus) -> [String] {
        guard !changes.isEmpty else { return [] }
        do throws(RPCStatus) {
            _ = try await store.append(AppendRequest(idempotencyKey: idempotencyKey, events: changes.flatMap(\.events)))
            for change in changes { recorded[change.pod] = change.decision }
            return changes.map(\.pod)
        } catch {
            guard error.code == .notFound else { throw error }
        }
        var pods: [String] = []
        for change in changes {
            do throws(RPCStatus) {
                _ = try await store.append(AppendRequest(idempotencyKey: "\(idempotencyKey)/\(change.pod)", events: change.events))
                recorded[change.pod] = change.decision
                pods.append(change.pod)
            } catch {
                guard error.code == .notFound else { throw error }
                logger.debug("Pod gone before its decision was recorded", metadata: ["pod": "\(change.pod)"])
            }
        }
        return pods
    }

    // MARK: - Actuation

    private func actuate(_ decision: PodDecision, pod: PodObservation, group: VPAGroupPlan, actuator: any PodActuator,
                         now: Timestamp, summary: inout UpdaterLoopSummary) async {
        let name = pod.key.description
        let key = Self.podKey(decision)
        switch decision.action {
        case .resizeInPlace(let targets):
            if let previous = sent[key], previous.resize == targets, !pod.specHas(targets),
               now < previous.at.advanced(by: configuration.resendAfter) {
                summary.alreadyRequested += 1
                logger.debug("Resize already requested; waiting for the store to see the new spec", metadata: ["pod": "\(name)"])
                return
            }
            do {
                try await actuator.resize(pod, targets: targets)
                sent[key] = SentActuation(resize: targets, at: now)
                summary.actuated += 1
                summary.resizesActuated += 1
                logger.info("Resized pod in place", metadata: ["pod": "\(name)", "cause": "\(decision.cause.rawValue)"])
            } catch ActuationError.podGone {
                logger.debug("Pod gone before its resize", metadata: ["pod": "\(name)"])
            } catch {
                summary.actuationFailures += 1
                summary.resizeFailures += 1
                logger.warning("In-place resize failed", metadata: ["pod": "\(name)", "error": "\(error)"])
                await fallBack(from: decision, failure: error, pod: pod, group: group, actuator: actuator, now: now,
                               summary: &summary)
            }
        case .evict:
            let evictKey = RecordedDecision(action: decision.action, cause: decision.cause, vpa: group.vpa.vpa.key,
                                            mode: group.vpa.vpa.updateMode)
            await evict(pod, decision: decision, recordedAs: evictKey, group: group, actuator: actuator, now: now,
                        summary: &summary)
        case .wait, .none:
            break
        }
    }

    /// Evicts `pod` for `decision` (recorded as `evictKey`, or to be recorded once it goes through
    /// after a refusal), unless an eviction was sent within `resendAfter`.
    private func evict(_ pod: PodObservation, decision: PodDecision, recordedAs evictKey: RecordedDecision,
                       group: VPAGroupPlan, actuator: any PodActuator, now: Timestamp,
                       summary: inout UpdaterLoopSummary) async {
        let name = pod.key.description
        let key = Self.podKey(decision)
        if let previous = sent[key], previous.resize == nil,
           now < previous.at.advanced(by: configuration.resendAfter) {
            summary.alreadyRequested += 1
            logger.debug("Eviction already requested; waiting for the pod to go", metadata: ["pod": "\(name)"])
            return
        }
        do {
            try await actuator.evict(pod)
            sent[key] = SentActuation(resize: nil, at: now)
            summary.actuated += 1
            logger.info("Evicted pod", metadata: ["pod": "\(name)", "cause": "\(decision.cause.rawValue)"])
            if refusedEvictions.removeValue(forKey: key) != nil {
                await recordQuietly(decision, key: evictKey, group: group, now: now, reason: nil, label: "evicted",
                                    summary: &summary)
            }
        } catch ActuationError.podGone {
            logger.debug("Pod gone before its eviction", metadata: ["pod": "\(name)"])
        } catch ActuationError.evictionRefused(_, let message) {
            summary.evictions -= 1
            summary.waiting += 1
            summary.evictionsRefused += 1
            logger.info("Eviction refused by a PodDisruptionBudget; waiting", metadata: ["pod": "\(name)", "message": "\(message)"])
            guard refusedEvictions[key] != evictKey else { return }
            var wait = decision
            wait.action = .wait
            let waitKey = RecordedDecision(action: .wait, cause: decision.cause, vpa: group.vpa.vpa.key,
                                           mode: group.vpa.vpa.updateMode)
            let reason = "eviction refused by a PodDisruptionBudget (429: \(message)): waiting, the next loop tries again; "
                + decision.reason
            if await recordQuietly(wait, key: waitKey, group: group, now: now, reason: reason, label: "refused",
                                   summary: &summary) {
                refusedEvictions[key] = evictKey
            }
        } catch {
            summary.actuationFailures += 1
            logger.warning("Eviction failed", metadata: ["pod": "\(name)", "error": "\(error)"])
        }
    }

    /// Records one decision made while actuating; a failure is logged, not thrown (the loop's
    /// actuations go on). True when recorded.
    @discardableResult
    private func recordQuietly(_ decision: PodDecision, key: RecordedDecision, group: VPAGroupPlan, now: Timestamp,
                               reason: String?, label: String, summary: inout UpdaterLoopSummary) async -> Bool {
        let pod = Self.podKey(decision)
        do {
            let recordedPods = try await record([(pod, key, events(for: decision, vpa: group.vpa.vpa, now: now, reason: reason))],
                                                idempotencyKey: "\(configuration.name)/\(label)/\(pod)/\(now.unixMilliseconds)")
            summary.decisionsRecorded += recordedPods.count
            return !recordedPods.isEmpty
        } catch {
            logger.warning("Decision not recorded", metadata: ["pod": "\(PodKey(namespace: decision.namespace, name: decision.name))", "error": "\(error)"])
            return false
        }
    }

    /// After a failed resize: InPlaceOrRecreate evicts instead (upstream `RunOnce` adds the pod to
    /// the evictions; the resize's share of the budget goes to the eviction); InPlace waits.
    private func fallBack(from decision: PodDecision, failure: any Error, pod: PodObservation, group: VPAGroupPlan,
                          actuator: any PodActuator, now: Timestamp, summary: inout UpdaterLoopSummary) async {
        var fallback = decision
        let reason: String
        if group.plan.mode == .inPlaceOrRecreate {
            fallback.action = .evict
            reason = "in-place resize failed (\(failure)): evicting (InPlaceOrRecreate fallback); \(decision.reason)"
        } else {
            fallback.action = .wait
            reason = "in-place resize failed (\(failure)): waiting, the next loop tries again (InPlace never evicts); "
                + decision.reason
        }
        let key = RecordedDecision(action: fallback.action, cause: fallback.cause, vpa: group.vpa.vpa.key,
                                   mode: group.vpa.vpa.updateMode)
        await recordQuietly(fallback, key: key, group: group, now: now, reason: reason, label: "fallback", summary: &summary)
        guard fallback.action == .evict else { return }
        summary.evictions += 1
        await evict(pod, decision: fallback, recordedAs: key, group: group, actuator: actuator, now: now, summary: &summary)
    }

    // MARK: - Time

    private func resolveNow(_ explicitNow: Timestamp?) async throws -> Timestamp {
        if let explicitNow { return explicitNow }
        switch configuration.clock {
        case .wall:
            return .now
        case .log:
            let latest = try await store.latestOccurredAt()
            if let latest, latestLogTime.map({ latest > $0 }) ?? true { latestLogTime = latest }
            return latestLogTime ?? .now
        }
    }
}

/// Why an updater loop could not run.
public enum UpdaterRunnerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `runOnce` was called while another loop of the same runner was running.
    case loopInProgress

    public var description: String {
        switch self {
        case .loopInProgress: "a loop of this updater runner is already running; wait for it before starting another"
        }
    }
}

extension PodObservation {
    /// True when the spec has every value the targets set (each target's container found, its
    /// requests and limits equal where the target sets them): the resize reached the pod's spec.
    func specHas(_ targets: [ResizeRequest.Target]) -> Bool {
        targets.allSatisfy { target in
            guard let container = containers.first(where: { $0.name == target.container && $0.type == target.type }) else {
                return false
            }
            func has(_ spec: ResourceList, _ wanted: ResourceList) -> Bool {
                (wanted.cpuMillicores == nil || spec.cpuMillicores == wanted.cpuMillicores)
                    && (wanted.memoryBytes == nil || spec.memoryBytes == wanted.memoryBytes)
            }
            return has(container.desired.requests, target.resources.requests) && has(container.desired.limits, target.resources.limits)
        }
    }
}
