import EventStore
import LogCodec
import NIOCore
import StoreAPI
import StoreWire
import VPAModel

/// The one owner of the server's write connection and in-memory projection: every call that touches
/// the store goes through this actor, so writes are serialized and a read never sees a half-applied
/// batch. It hands every commit's events to `recent`, which serves live Watch delivery.
actor StoreCore {
    private let store: EventStore
    private let metrics: StoreMetrics
    /// The last committed events for live Watch delivery, readable without this actor.
    nonisolated let recent: RecentEvents
    /// Every live pod's current resources, readable without this actor (a server's point reads);
    /// nil where nothing reads them that way (`--db` commands: building it would cost each of them).
    nonisolated let publishedResources: PublishedResources?
    /// Ingest calls waiting for the next group commit, in arrival order.
    private var pendingIngests: [PendingIngest] = []
    private var groupCommitScheduled = false
    private(set) var shuttingDown = false
    /// SQLite calls block (an fsync per commit): they run on the store's own thread, never on the
    /// shared concurrency pool or the network event loops.
    private let executor: any SerialExecutor

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(store: EventStore, metrics: StoreMetrics, recentCapacity: Int, publishesResources: Bool = false,
         executor: any SerialExecutor) {
        self.executor = executor
        self.store = store
        self.metrics = metrics
        self.recent = RecentEvents(capacity: recentCapacity, head: store.headPosition)
        self.publishedResources = publishesResources ? PublishedResources(metrics: metrics) : nil
        publishedResources?.rebuild(from: store)
        store.keepsAppendedEvents = true
        metrics.headMoved(to: store.headPosition)
    }

    var headPosition: Int64 { store.headPosition }
    var storeID: String { store.storeID }
    var inPlaceMode: (mode: InPlaceMode, detected: Bool) { store.inPlaceMode }

    func firstPosition() throws(StoreError) -> Int64 { try store.firstPosition() }
    /// Where the log was compacted, if it was.
    var compaction: CompactionState? { store.compaction }

    // MARK: - Writes

    /// Ingests `request` in the next group commit: calls that arrive while a commit is running
    /// wait for it and are then committed together, one transaction and one fsync for all of them
    /// (each still all-or-nothing on its own; see `EventStore.ingest(group:)`).
    func ingest(_ request: IngestRequest, now: Timestamp) async throws(StoreError) -> IngestResponse {
        if let key = request.idempotencyKey, let stored = try store.storedAnswer(idempotencyKey: key, method: StoreMethod.ingest.shortName) {
            var answer = try replayed(stored, as: IngestResponse.self)
            answer.replayed = true
            return answer
        }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                pendingIngests.append(PendingIngest(request: request, now: now, reply: continuation))
                if !groupCommitScheduled {
                    groupCommitScheduled = true
                    // Runs after the calls already queued on this actor, which join the group.
                    Task { self.commitPendingIngests() }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .invalidArgument("\(error)")  // unreachable: the group answers with StoreError only
        }
    }

    /// Commits every pending Ingest as one group and answers each call.
    private func commitPendingIngests() {
        groupCommitScheduled = false
        let calls = pendingIngests
        pendingIngests.removeAll()
        guard !calls.isEmpty else { return }
        let before = store.headPosition
        let outcomes = store.ingest(group: calls.map { call in
            GroupedIngest(observations: call.request.observations, observedAt: call.request.observedAt ?? call.now,
                          recordedAt: call.now, inPlaceMode: call.request.inPlaceMode,
                          condition: WriteCondition(expectedHead: call.request.expectedHead,
                                                    idempotency: call.request.idempotencyKey.map { key in
                                                        IdempotentAnswer(key: key, method: StoreMethod.ingest.shortName) { summary, head in
                                                            IngestResponse(summary: summary, headPosition: head).encoded()
                                                        }
                                                    }))
        })
        published(after: before)
        metrics.groupCommitted(calls: calls.count, committed: outcomes.contains { if case .failed = $0 { false } else { true } },
                               at: calls[calls.count - 1].now)
        for (call, outcome) in zip(calls, outcomes) {
            switch outcome {
            case .appended(let summary, let head):
                call.reply.resume(returning: IngestResponse(summary: summary, headPosition: head))
            case .replayed(let stored):
                do throws(StoreError) {
                    var answer = try replayed(stored, as: IngestResponse.self)
                    answer.replayed = true
                    call.reply.resume(returning: answer)
                } catch {
                    call.reply.resume(throwing: error)
                }
            case .failed(let error):
                call.reply.resume(throwing: error)
            }
        }
        // After the answers: the calls of this group do not wait for a compaction chunk.
        compactIfDue(now: calls.last?.now ?? .now)
    }

    func append(_ request: AppendRequest, now: Timestamp) throws(StoreError) -> AppendResponse {
        if let key = request.idempotencyKey, let stored = try store.storedAnswer(idempotencyKey: key, method: StoreMethod.append.shortName) {
            var answer = try replayed(stored, as: AppendResponse.self)
            answer.replayed = true
            return answer
        }
        let before = store.headPosition
        let condition = WriteCondition<AppendResult>(
            expectedHead: request.expectedHead,
            idempotency: request.idempotencyKey.map { key in
                IdempotentAnswer(key: key, method: StoreMethod.append.shortName) { result, head in
                    AppendResponse(firstPosition: result.firstPosition, lastPosition: result.lastPosition,
                                   headPosition: head).encoded()
                }
            })
        let result = try store.append(request.events, recordedAt: now, condition: condition)
        published(after: before)
        return AppendResponse(firstPosition: result.firstPosition, lastPosition: result.lastPosition,
                              headPosition: store.headPosition)
    }

    /// Sets the in-place mode at start, when it differs.
    func setInPlaceMode(_ mode: InPlaceMode, now: Timestamp) throws(StoreError) {
        let before = store.headPosition
        _ = try store.ingest([], observedAt: now, recordedAt: now, inPlaceMode: mode)
        published(after: before)
    }

    private func replayed<Response: WireMessage>(_ stored: [UInt8], as type: Response.Type) throws(StoreError) -> Response {
        do throws(WireError) {
            return try Response(decoding: stored)
        } catch {
            throw .corruptEvent(position: -1, error)
        }
    }

    /// `serve --compact-keep`: one chunk of compaction once one is due (see `EventStore.compactIfDue`).
    /// Like the usage retention sweep, a failure never fails the writes already committed; the
    /// next commit tries again.
    private func compactIfDue(now: Timestamp) {
        guard let keep = store.compactionKeep else { return }
        let before = store.compaction?.throughPosition
        try? store.compactIfDue(keep: keep, now: now)
        if let through = store.compaction?.throughPosition, through != before { recent.compacted(through: through) }
    }

    /// Hands the events committed after `position` to the recent buffer (which wakes the
    /// watchers) and counts them.
    private func published(after position: Int64) {
        let head = store.headPosition
        guard head > position else { return }
        let records = store.takeAppendedEvents().map { event in
            metrics.eventAppended(event.body.type)
            return EventRecord(event: event, stream: store.stream(event.streamID))
        }
        // Before the commit's calls are answered: a client that reads after its write sees it.
        publishedResources?.update(streams: Set(records.lazy.filter { $0.event.body.type != .usageSampled }.map(\.event.streamID)),
                                   from: store)
        recent.publish(records, head: head)
        metrics.headMoved(to: head)
    }

    // MARK: - Reads

    func actualResources(_ request: ActualResourcesRequest) throws(StoreError) -> ActualResourcesResponse {
        var views: [ContainerResourcesView]
        let position: Int64
        switch request.at {
        case nil:
            views = store.currentResources(namespace: request.namespace, pod: request.pod)
            position = store.headPosition
        case .position(let at):
            guard at <= store.headPosition else {
                throw .outOfRange("at_position \(at) is beyond the head, \(store.headPosition)")
            }
            views = try store.resources(at: .position(at), namespace: request.namespace, pod: request.pod)
            position = at
        case .time(let time):
            views = try store.resources(at: .time(time), namespace: request.namespace, pod: request.pod)
            position = store.headPosition
        }
        if let container = request.container { views.removeAll { $0.container != container } }
        if let kind = request.ownerKind, let name = request.ownerName {
            views.removeAll { view in
                !store.owners(ofPod: view.namespace, view.pod, uid: view.podUID).contains {
                    $0.kind == kind && $0.name == name
                }
            }
        }
        var nextPageAfter: String?
        if let limit = request.limit {
            // Views are in `resourceOrder`; a page starts after the cursor's container.
            if let after = request.pageAfter {
                guard let cursor = ResourcesPageCursor(parsing: after) else {
                    throw .invalidArgument("GetActualResourcesRequest.page_after: \"\(after)\" is not a next_page_after this server gave")
                }
                views.removeAll { ResourcesPageCursor(view: $0) <= cursor }
            }
            if views.count > limit {
                views.removeSubrange(limit...)
                nextPageAfter = views.last.map { ResourcesPageCursor(view: $0).text }
            }
        }
        for view in views { metrics.resourcesRead(view.source) }
        return ActualResourcesResponse(position: position, containers: views, nextPageAfter: nextPageAfter)
    }

    func resizeState(_ request: ResizeStateRequest, now: Timestamp, defaults: ResizeTimeouts) throws(StoreError)
        -> ResizeStateResponse {
        let timeouts = Self.merge(request.timeouts, defaults)
        guard let view = store.resize(ofPod: request.pod.namespace, request.pod.name, now: request.now ?? now,
                                      timeouts: timeouts) else {
            throw .notFound("no live pod \(request.pod.namespace)/\(request.pod.name) in the store")
        }
        return ResizeStateResponse(position: store.headPosition, resize: view)
    }

    func resizes(_ request: ResizesRequest, now: Timestamp, defaults: ResizeTimeouts) -> ResizesResponse {
        var views = store.resizes(state: request.state, now: request.now ?? now, timeouts: Self.merge(request.timeouts, defaults))
        if let namespace = request.namespace { views.removeAll { $0.namespace != namespace } }
        return ResizesResponse(position: store.headPosition, resizes: views)
    }

    func oomKills(_ request: OOMKillsRequest) throws(StoreError) -> OOMKillsResponse {
        let kills = try store.oomKills(namespace: request.namespace, pod: request.pod, container: request.container,
                                       since: request.since, until: request.until)
        return OOMKillsResponse(position: store.headPosition, kills: kills)
    }

    /// A page of events from `from` (inclusive), read from the log (`RecentEvents` serves recent
    /// ones without this actor). `nextPosition` is where the next page starts.
    func page(from: Int64, selector: EventSelector, limit: Int) throws(StoreError) -> EventPage {
        let head = store.headPosition
        guard from <= head else { return EventPage(events: [], nextPosition: from, headPosition: head) }
        // A watcher still behind a compaction that just ran is told so, not silently moved on.
        try store.checkNotCompacted(position: from, what: "position")
        let events = try store.events(selector, from: from, limit: limit)
        let next = events.count == limit ? events[events.count - 1].position + 1 : head + 1
        return EventPage(events: events.map { EventRecord(event: $0, stream: store.stream($0.streamID)) },
                         nextPosition: next, headPosition: head)
    }

    func vpas(_ request: VPAListRequest) -> VPAListResponse {
        VPAListResponse(position: store.headPosition, limitRanges: store.limitRanges(namespace: request.namespace),
                        vpas: store.vpaRecords(namespace: request.namespace))
    }

    /// A page of live pods after `pageAfter` ("namespace/name"), in namespace/name order.
    func pods(_ request: PodListRequest, now: Timestamp, defaults: ResizeTimeouts) -> PodListResponse {
        let all = store.livePods(namespace: request.namespace, now: request.now ?? now, timeouts: Self.merge(request.timeouts, defaults))
        let start = request.pageAfter.map { after in all.firstIndex { $0.pod.key.description > after } ?? all.count } ?? 0
        let page = Array(all[start..<min(start + request.limit, all.count)])
        let more = start + page.count < all.count
        return PodListResponse(position: store.headPosition, pods: page,
                               nextPageAfter: more ? page.last.map { $0.pod.key.description } : nil)
    }

    /// The store's state for /metrics; nil once the store is closed.
    func gauges(now: Timestamp, timeouts: ResizeTimeouts) -> StoreGauges? {
        guard let usage = try? store.fileUsage() else { return nil }
        return StoreGauges(resizeStates: store.resizeStateCounts(now: now, timeouts: timeouts),
                           databaseBytes: usage.pages * usage.pageSize, databaseFreeBytes: usage.freePages * usage.pageSize,
                           writeAheadLogBytes: StoreGauges.fileSize(store.path + "-wal"))
    }

    // MARK: - Waiting for the head

    /// Wakes every watcher so it can end its call, and writes a snapshot so the next start is quick.
    func beginShutdown() {
        shuttingDown = true
        recent.beginShutdown()
    }

    func close() {
        try? store.writeSnapshot()
        // Releases the file's writer lock: a server that stopped is no longer its writer, even while
        // its process (a test, an embedding program) goes on.
        store.close()
    }

    private static func merge(_ requested: ResizeTimeouts?, _ defaults: ResizeTimeouts) -> ResizeTimeouts {
        guard let requested else { return defaults }
        return ResizeTimeouts(
            deferred: requested.deferred > .zero ? requested.deferred : defaults.deferred,
            inProgress: requested.inProgress > .zero ? requested.inProgress : defaults.inProgress)
    }
}

/// An Ingest call waiting for its group commit.
struct PendingIngest {
    var request: IngestRequest
    var now: Timestamp
    var reply: CheckedContinuation<IngestResponse, any Error>
}

/// Where a page of GetActualResources ends: the sort key of its last container (namespace, pod,
/// pod UID, app before init, container name), written "namespace/pod/uid/0|1/container" (none of
/// these names may contain "/").
struct ResourcesPageCursor: Comparable {
    var namespace: String
    var pod: String
    var podUID: String
    var typeRank: Int
    var container: String

    init(view: ContainerResourcesView) {
        namespace = view.namespace
        pod = view.pod
        podUID = view.podUID
        typeRank = view.containerType == .container ? 0 : 1
        container = view.container
    }

    init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, let rank = Int(parts[3]) else { return nil }
        (namespace, pod, podUID, typeRank, container) = (parts[0], parts[1], parts[2], rank, parts[4])
    }

    var text: String { "\(namespace)/\(pod)/\(podUID)/\(typeRank)/\(container)" }

    static func < (a: Self, b: Self) -> Bool {
        (a.namespace, a.pod, a.podUID, a.typeRank, a.container) < (b.namespace, b.pod, b.podUID, b.typeRank, b.container)
    }
}
