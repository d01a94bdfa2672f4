import KubernetesAPI
import Logging
import Recommender
import StoreAPI
import VPAModel

/// vpa-recommender's loop (DESIGN §2, §3.4): reads usage samples and OOM kills from the store's
/// log, keeps upstream's usage histories per (VPA, container), publishes `RecommendationPublished`
/// when a recommendation changes, and saves `RecommenderCheckpoint`s so a restarted recommender
/// continues where it stopped.
///
/// Each loop (`runOnce(now:)`):
/// 1. `ListVpas`: the VPAs, their published recommendations and latest checkpoints. A VPA the runner
///    does not know yet starts from its checkpoint (histories restored, events up to its
///    `consumedPosition` skipped), or, without one, from the start of the log.
/// 2. `ReadEvents` from the oldest VPA's consumed position to the head as it was at the first page:
///    `PodObserved` (and, on the first loop, `ListPods`) tell which VPA a pod's samples belong to (the
///    first VPA, in namespace/name order, that `manages` the pod); `UsageSampled` adds a CPU sample
///    (millicores) and a memory sample (bytes) per container; `OomKilled` records the kill at the
///    actual memory request the store derived (status first); `PodDeleted` forgets the pod's
///    container instances; `VpaObserved` and `VpaDeleted` update or reset a known VPA. An event is
///    applied to a VPA only when it is after that VPA's consumed position.
/// 3. For each VPA whose histories changed: `PodResourceRecommender.recommendations`, appended as
///    `RecommendationPublished` when they differ from what the store holds. A VPA with no new input
///    publishes nothing: after a restart its histograms lack the open memory intervals' peaks (they
///    are left out of checkpoints, as upstream does) until its pods report again.
/// 4. Every `checkpointEveryLoops` loops (and on the first), a `RecommenderCheckpoint` per VPA; a
///    VPA that had no checkpoint gets one in the loop that first reads for it.
///
/// The recommendations and checkpoints of a loop are appended in batches of at most 100 events, each
/// all or nothing with an idempotency key made of the position read up to, the loop's time and the
/// batch's number, so a retried append (after a lost answer) appends nothing twice; appended events
/// carry the loop's time as `occurredAt`.
///
/// 5. With a `VPAStatusWriter` (`--publish api`): for each VPA whose published recommendation differs
///    from what this runner last wrote to the API (so once per VPA after a start), a merge patch of
///    the VPA's `status` with the recommendation and the `RecommendationProvided` condition. A VPA
///    the API no longer has (404) is skipped; any other failure is logged, counted and tried again
///    next loop.
///
/// A VPA that appears while the runner runs has no checkpoint, so the next loop reads the log
/// again from the start for it alone (the others skip what they consumed).
public actor RecommenderRunner {
    /// How the runner runs.
    public nonisolated let configuration: RecommenderRunnerConfiguration
    /// The store, local or behind a server.
    private let store: any StoreAPI
    private let logger: Logger
    private let recommender: PodResourceRecommender
    private let statusWriter: VPAStatusWriter?
    /// The recommendation this runner last wrote to each VPA's status through the API, by VPA key.
    private var writtenToAPI: [String: [ContainerRecommendation]] = [:]

    /// Leadership (re)gained: another replica may have written VPA statuses since this one last did,
    /// so the next pass writes every status again.
    public func startedLeading() { writtenToAPI.removeAll() }
    /// When this runner first wrote each VPA's `RecommendationProvided` condition (its
    /// `lastTransitionTime`), by VPA key.
    private var providedSince: [String: Timestamp] = [:]

    /// Histories by VPA key ("namespace/name").
    private var histories: [String: VPAHistory] = [:]
    /// VPA keys in the store's order (namespace, name): the first that manages a pod gets its samples.
    private var vpaOrder: [String] = []
    /// The latest observation of each pod stream read, by stream key (UID or namespace/name).
    private var pods: [String: PodObservation] = [:]
    /// Which VPA a pod stream's samples go to; cleared when a VPA or the pod's observation changes.
    private var attributions: [String: Attribution] = [:]
    /// Pod streams whose observation the log no longer has: their events are skipped.
    private var podsWithoutObservation: Set<String> = []
    private var seededPods = false
    private var loops = 0
    private var loopInProgress = false
    /// The latest `occurredAt` read, for `Clock.log`.
    private var latestLogTime: Timestamp?

    /// The most events one append carries.
    static let eventsPerAppend = 100

    private enum Attribution: Sendable {
        case vpa(String)
        case none
    }

    /// A runner over `store` (a `LocalStore`, or a `StoreClient` of a server); `statusWriter` also writes recommendations to the VPAs' status
    /// through the Kubernetes API. `logger` comes from the caller.
    public init(store: any StoreAPI, configuration: RecommenderRunnerConfiguration = RecommenderRunnerConfiguration(),
                statusWriter: VPAStatusWriter? = nil, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.statusWriter = statusWriter
        self.logger = logger
        self.recommender = PodResourceRecommender(configuration: configuration.recommender)
    }

    /// Closes the connection to the store; a later loop opens a new one.
    public func close() async {
        await store.close()
    }

    /// Runs one loop at `now` (nil = the configured clock, read after the loop's events).
    ///
    /// - Throws: `RPCStatus` from the store (the loop's work is kept: the next loop goes on from the
    ///   position read and publishes what this one could not); `RecommenderRunnerError.loopInProgress`
    ///   when called while another loop of this runner runs.
    public func runOnce(now explicitNow: Timestamp? = nil) async throws -> RecommenderLoopSummary {
        guard !loopInProgress else { throw RecommenderRunnerError.loopInProgress }
        loopInProgress = true
        defer { loopInProgress = false }
        loops += 1
        let loop = loops

        // VPAs that name another recommender in `spec.recommenders` are that recommender's.
        synchronize(with: try await store.vpas().vpas.filter { $0.vpa.isHandled(byRecommender: configuration.recommenderName) })
        if !seededPods {
            // A restored runner starts reading after pods were observed: their owners come from here.
            for record in try await store.allPods() {
                pods[record.pod.streamKey] = record.pod
            }
            seededPods = true
        }
        var summary = RecommenderLoopSummary(loop: loop, now: explicitNow ?? Timestamp(unixMilliseconds: 0))
        let readUpTo = try await readNewEvents(into: &summary)
        let now = try await resolveNow(explicitNow)
        summary.now = now

        var events: [AppendEvent] = []
        for key in vpaOrder {
            guard var history = histories[key] else { continue }
            history.updatePolicies(base: configuration.recommender)
            history.expire(at: now)
            histories[key] = history
            guard history.hasNewInput else { continue }
            let containers = recommender.recommendations(for: history.vpa, states: history.containers.mapValues(\.state))
            guard !containers.isEmpty, containers != history.published?.containers else { continue }
            let published = PublishedRecommendation(containers: containers, recommender: configuration.name)
            events.append(AppendEvent(vpaKey: key, occurredAt: now, body: .recommendationPublished(published)))
        }
        let checkpointsDue = (loop - 1) % max(1, configuration.checkpointEveryLoops) == 0
        for key in vpaOrder {
            guard let history = histories[key], checkpointsDue || history.needsCheckpoint else { continue }
            events.append(AppendEvent(vpaKey: key, occurredAt: now, body: .recommenderCheckpoint(history.checkpoint(at: now))))
        }
        // Batches of a bounded size keep each append well inside the frame limit (a checkpoint holds
        // two histograms); each batch has its own idempotency key.
        let idempotencyKey = "\(configuration.name)/\(readUpTo ?? 0)/\(now.unixMilliseconds)"
        for (batch, start) in stride(from: 0, to: events.count, by: Self.eventsPerAppend).enumerated() {
            let slice = Array(events[start..<min(start + Self.eventsPerAppend, events.count)])
            let appended = try await append(slice, idempotencyKey: batch == 0 ? idempotencyKey : "\(idempotencyKey)/\(batch)")
            for event in appended {
                switch event.body {
                case .recommendationPublished(let published):
                    histories[event.vpaKey]?.published = published
                    summary.recommendationsPublished += 1
                case .recommenderCheckpoint:
                    histories[event.vpaKey]?.needsCheckpoint = false
                    summary.checkpointsWritten += 1
                default:
                    break
                }
            }
        }
        for key in vpaOrder {
            histories[key]?.hasNewInput = false
        }
        if let statusWriter {
            await writeStatuses(with: statusWriter, now: now, summary: &summary)
        }
        summary.vpas = histories.count
        summary.consumedPosition = histories.values.map(\.consumedPosition).min() ?? readUpTo ?? 0
        logger.debug("Recommender loop done", metadata: [
            "loop": "\(loop)", "vpas": "\(summary.vpas)", "samples": "\(summary.samples)", "ooms": "\(summary.ooms)",
            "published": "\(summary.recommendationsPublished)", "position": "\(summary.consumedPosition)"])
        return summary
    }

    /// The usage histories of the VPA "namespace/name", by container name (empty when unknown).
    public func aggregateStates(ofVPA key: String) -> [String: AggregateContainerState] {
        histories[key]?.containers.mapValues(\.state) ?? [:]
    }

    /// The log position up to which the VPA "namespace/name"'s histories go, or nil when unknown.
    public func consumedPosition(ofVPA key: String) -> Int64? {
        histories[key]?.consumedPosition
    }

    // MARK: - VPA status in the API

    /// Writes each VPA's published recommendation to its status when it differs from what this
    /// runner last wrote there.
    private func writeStatuses(with writer: VPAStatusWriter, now: Timestamp, summary: inout RecommenderLoopSummary) async {
        writtenToAPI = writtenToAPI.filter { histories[$0.key] != nil }
        providedSince = providedSince.filter { histories[$0.key] != nil }
        for key in vpaOrder {
            // Shut down, or no longer the leader: another recommender may be writing now.
            if Task.isCancelled { return }
            guard let history = histories[key], let published = history.published, !published.containers.isEmpty,
                  writtenToAPI[key] != published.containers else { continue }
            let since = providedSince[key] ?? now
            do throws(KubernetesAPIError) {
                let written = try await writer.write(namespace: history.vpa.namespace, name: history.vpa.name,
                                                     recommendation: published.containers, providedSince: since)
                // A VPA gone from the API is not written again until the store lists it anew.
                writtenToAPI[key] = published.containers
                guard written else {
                    logger.debug("VPA gone from the API; its status is not written", metadata: ["vpa": "\(key)"])
                    continue
                }
                providedSince[key] = since
                summary.statusesWritten += 1
            } catch {
                // Cut short by shutdown or lost leadership: not a failure to report.
                if Task.isCancelled { return }
                summary.statusWriteFailures += 1
                logger.warning("Could not write the VPA's status; the next loop tries again", metadata: [
                    "vpa": "\(key)", "error": "\(error)"])
            }
        }
    }

    // MARK: - VPAs

    /// Takes the store's VPAs: new ones start from their checkpoint, gone ones are dropped.
    private func synchronize(with records: [VPARecord]) {
        var changed = false
        var listed = Set<String>()
        for record in records {
            let key = record.vpa.key.description
            listed.insert(key)
            if var history = histories[key] {
                if history.vpa != record.vpa {
                    history.vpa = record.vpa
                    changed = true
                }
                history.published = record.recommendation
                histories[key] = history
            } else {
                histories[key] = restoredHistory(record)
                changed = true
            }
        }
        for key in histories.keys where !listed.contains(key) {
            histories[key] = nil
            changed = true
        }
        vpaOrder = records.map(\.vpa.key.description)
        if changed { attributions.removeAll() }
    }

    /// The history of a VPA the runner does not know: from its checkpoint when it has one that
    /// restores, else empty from the start of the log.
    private func restoredHistory(_ record: VPARecord) -> VPAHistory {
        var history = VPAHistory(vpa: record.vpa, consumedPosition: 0, published: record.recommendation,
                                 needsCheckpoint: true)
        guard let checkpoint = record.checkpoint else { return history }
        var containers: [String: ContainerHistory] = [:]
        for saved in checkpoint.containers {
            do throws(CheckpointError) {
                let state = try AggregateContainerState(checkpoint: saved.checkpoint, configuration: configuration.recommender)
                containers[saved.name] = ContainerHistory(state: state, createdAt: nil)
            } catch {
                logger.warning("Checkpoint not restored; the VPA's history is rebuilt from the log", metadata: [
                    "vpa": "\(record.vpa.key)", "container": "\(saved.name)", "error": "\(error)"])
                return history
            }
        }
        history.containers = containers
        history.consumedPosition = checkpoint.consumedPosition
        history.needsCheckpoint = false
        // Histories with no recommendation published from them yet (an upstream checkpoint just
        // migrated in) publish in this loop, as upstream's recommender does right after it loads
        // its checkpoints; otherwise the VPA would wait for its pods' next samples.
        history.hasNewInput = record.recommendation == nil && !containers.isEmpty
        logger.info("Restored VPA histories from checkpoint", metadata: [
            "vpa": "\(record.vpa.key)", "containers": "\(containers.count)", "position": "\(checkpoint.consumedPosition)"])
        return history
    }

    // MARK: - Reading the log

    /// Reads and applies the events after the oldest consumed position, up to the head as it was at
    /// the first page, advancing every VPA's consumed position as it goes (so a failed read applies
    /// nothing twice); returns the position read up to, or nil when there is no VPA to read for.
    private func readNewEvents(into summary: inout RecommenderLoopSummary) async throws -> Int64? {
        guard let oldest = histories.values.map(\.consumedPosition).min() else { return nil }
        var from = oldest + 1
        var stop: Int64?
        while true {
            let page = try await readPage(from: from, selector: EventSelector(), limit: configuration.pageSize)
            let head = stop ?? page.headPosition
            stop = head
            for record in page.events {
                do {
                    try await apply(record, to: &summary)
                } catch {
                    // What was applied stays applied: never apply it again.
                    advanceConsumedPositions(to: record.event.position - 1)
                    throw error
                }
                summary.eventsRead += 1
            }
            from = page.nextPosition
            advanceConsumedPositions(to: from - 1)
            if page.events.isEmpty || from > head { break }
        }
        return from - 1
    }

    /// Every VPA's histories now go up to at least `position`.
    private func advanceConsumedPositions(to position: Int64) {
        for (key, history) in histories where history.consumedPosition < position {
            histories[key]?.consumedPosition = position
        }
    }

    /// One page of the log from `position`; when retention has cut the log above `position`, the
    /// page from the first position still in it.
    private func readPage(from position: Int64, selector: EventSelector, limit: Int) async throws -> EventPage {
        do throws(RPCStatus) {
            return try await store.readEvents(ReadEventsRequest(fromPosition: position, limit: limit, selector: selector))
        } catch {
            guard error.code == .outOfRange else { throw error }
            let first = try await store.serverInfo().firstPosition
            guard first > position else { throw error }
            logger.warning("The log was cut above the position to read; reading from the first position still in it",
                           metadata: ["position": "\(position)", "first": "\(first)"])
            return try await store.readEvents(ReadEventsRequest(fromPosition: first, limit: limit, selector: selector))
        }
    }

    private func apply(_ record: EventRecord, to summary: inout RecommenderLoopSummary) async throws {
        let event = record.event
        if latestLogTime.map({ event.occurredAt > $0 }) ?? true { latestLogTime = event.occurredAt }
        switch event.body {
        case .podObserved(let pod):
            let key = record.stream?.key ?? pod.streamKey
            pods[key] = pod
            attributions[key] = nil
            podsWithoutObservation.remove(key)
        case .podDeleted:
            guard let key = record.stream?.key else { return }
            if let vpa = try await owner(of: record), event.position > histories[vpa]?.consumedPosition ?? .max {
                histories[vpa]?.removePod(key)
            }
            pods[key] = nil
            attributions[key] = nil
        case .usageSampled(let sample):
            guard let stream = record.stream, let vpa = try await owner(of: record),
                  event.position > histories[vpa]?.consumedPosition ?? .max else { return }
            histories[vpa]?.addUsage(sample, pod: stream.key, configuration: configuration.recommender)
            summary.samples += 1
        case .oomKilled(let kill):
            guard let stream = record.stream, let vpa = try await owner(of: record),
                  event.position > histories[vpa]?.consumedPosition ?? .max else { return }
            let outcome = histories[vpa]?.recordOOM(kill, pod: stream.key, configuration: configuration.recommender)
            if case .recorded(let needed)? = outcome {
                summary.ooms += 1
                logger.info("OOM kill recorded", metadata: [
                    "vpa": "\(vpa)", "pod": "\(stream.namespace)/\(stream.name)", "container": "\(kill.container)",
                    "memory_request_bytes": "\(kill.memoryRequestBytes ?? 0)", "memory_needed_bytes": "\(needed)"])
            }
        case .vpaObserved(let vpa):
            guard let history = histories[vpa.key.description], event.position > history.consumedPosition,
                  history.vpa != vpa else { return }
            histories[vpa.key.description]?.vpa = vpa
            attributions.removeAll()
        case .vpaDeleted(let namespace, let name):
            let key = "\(namespace)/\(name)"
            guard event.position > histories[key]?.consumedPosition ?? .max else { return }
            // Re-created since (the VPA is listed): the new VPA's history starts here.
            histories[key]?.containers.removeAll()
            histories[key]?.hasNewInput = true
        default:
            break
        }
    }

    /// The VPA whose histories a pod stream's events go to, or nil when no VPA manages the pod.
    private func owner(of record: EventRecord) async throws -> String? {
        guard let stream = record.stream, stream.kind == .pod else { return nil }
        switch attributions[stream.key] {
        case .vpa(let key)?: return key
        case .none?: return nil
        case nil: break
        }
        guard let pod = try await observation(of: stream, before: record.event.position) else { return nil }
        let owner = vpaOrder.first { histories[$0]?.vpa.manages(pod) ?? false }
        attributions[stream.key] = owner.map(Attribution.vpa) ?? Attribution.none
        return owner
    }

    /// The pod stream's latest observation before `position`: known already, or looked up in the log
    /// (a pod observed before the position this runner started reading at and gone since).
    private func observation(of stream: StreamInfo, before position: Int64) async throws -> PodObservation? {
        if let pod = pods[stream.key] { return pod }
        guard !podsWithoutObservation.contains(stream.key) else { return nil }
        let selector = EventSelector(pod: PodKey(namespace: stream.namespace, name: stream.name), type: .podObserved)
        var found: PodObservation?
        var from: Int64 = 1
        while from < position {
            let page = try await readPage(from: from, selector: selector, limit: 1000)
            for record in page.events where record.event.position < position && record.stream?.key == stream.key {
                if case .podObserved(let pod) = record.event.body { found = pod }
            }
            if page.events.isEmpty || page.nextPosition > page.headPosition { break }
            from = page.nextPosition
        }
        if let found {
            pods[stream.key] = found
        } else {
            podsWithoutObservation.insert(stream.key)
            logger.debug("No observation of the pod in the log; its samples are skipped", metadata: [
                "pod": "\(stream.namespace)/\(stream.name)", "stream": "\(stream.key)"])
        }
        return found
    }

    // MARK: - Time and writes

    private func resolveNow(_ explicitNow: Timestamp?) async throws -> Timestamp {
        if let explicitNow { return explicitNow }
        switch configuration.clock {
        case .wall:
            return .now
        case .log:
            if latestLogTime == nil { latestLogTime = try await store.latestOccurredAt() }
            return latestLogTime ?? .now
        }
    }

    /// Appends `events` in one batch and returns the events appended. A lost answer is retried with
    /// the same idempotency key; events of a VPA deleted since the loop listed it are dropped and the
    /// rest appended.
    private func append(_ events: [AppendEvent], idempotencyKey: String) async throws -> [AppendEvent] {
        do throws(RPCStatus) {
            _ = try await store.append(AppendRequest(idempotencyKey: idempotencyKey, events: events))
            return events
        } catch {
            guard error.code == .notFound else { throw error }
            let listed = Set(try await store.vpas().vpas.map(\.vpa.key.description))
            let remaining = events.filter { listed.contains($0.vpaKey) }
            logger.info("VPAs deleted during the loop; appending for the others", metadata: [
                "dropped_events": "\(events.count - remaining.count)"])
            guard !remaining.isEmpty else { return [] }
            _ = try await store.append(AppendRequest(idempotencyKey: idempotencyKey + "/listed", events: remaining))
            return remaining
        }
    }
}

/// Why a recommender loop could not run.
public enum RecommenderRunnerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `runOnce` was called while another loop of the same runner was running.
    case loopInProgress

    public var description: String {
        switch self {
        case .loopInProgress: "a loop of this recommender runner is already running; wait for it before starting another"
        }
    }
}
