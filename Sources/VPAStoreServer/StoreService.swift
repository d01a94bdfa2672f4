import EventStore
import LogCodec
import Logging
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel

/// The `vpa.store.v1.Store` service: decodes each request, asks the local store, encodes the
/// answer. The answers are `LocalStore`'s, so `--db` and `--server` agree; what is only the
/// server's is here: frame budgets, Watch, Backup, and the per-call log line.
final class StoreService: RPCService {
    let local: LocalStore
    let metrics: StoreMetrics
    let configuration: ServeConfiguration
    let logger: Logger
    var core: StoreCore { local.core }

    init(local: LocalStore, metrics: StoreMetrics, configuration: ServeConfiguration, logger: Logger) {
        self.local = local
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
    }

    func welcome(_ hello: Frame.Hello, peer: String) async throws(RPCStatus) -> Frame.Welcome {
        Frame.Welcome(serverVersion: VPAStoreVersion.current, storeID: await core.storeID,
                      headPosition: await core.headPosition, maxFrameBytes: UInt32(configuration.maximumFrameBytes))
    }

    func callEnded(method: String, status: RPCStatus.Code, duration: Duration) {
        metrics.callEnded(method: method, code: status, duration: duration)
    }

    func connectionsChanged(by delta: Int) {
        metrics.connectionsChanged(by: delta)
    }

    /// A point read of the present, from the resources `StoreCore` publishes after each commit;
    /// every other call, and any request the published views cannot answer, goes through `handle`.
    func immediateAnswer(method: String, payload: [UInt8]) -> [UInt8]? {
        guard method == StoreMethod.getActualResources.rawValue, let published = core.publishedResources,
              let request = try? ActualResourcesRequest(decoding: payload), let answer = published.answer(request) else { return nil }
        return answer.encoded()
    }

    /// Small answers (a point read, a write's summary) are built at once with `call.respond(_:)`;
    /// answers that may fill a frame (pages, lists) with `call.respond(building:)`, which first
    /// reserves room for them in the connection's budget (see `ServerCall`).
    func handle(_ call: ServerCall) async throws {
        guard let method = StoreMethod(rawValue: call.method) else {
            throw RPCStatus(.unimplemented, "method \(call.method) is not served here; the Store methods are "
                            + StoreMethod.allCases.map(\.rawValue).joined(separator: ", "))
        }
        switch method {
        case .getServerInfo:
            _ = try decode(ServerInfoRequest.self, call)
            try await call.respond(try await local.serverInfo().encoded())
        case .checkHealth:
            _ = try decode(HealthRequest.self, call)
            try await call.respond(try await local.health().encoded())
        case .append:
            let request = try decode(AppendRequest.self, call)
            let started = ContinuousClock.now
            let response = try await local.append(request)
            try await call.respond(response.encoded())
            logWrite("Appended", call, started: started, head: response.headPosition, replayed: response.replayed, [
                "append.events": .stringConvertible(request.events.count)])
        case .ingest:
            let request = try decode(IngestRequest.self, call)
            let started = ContinuousClock.now
            let response = try await local.ingest(request)
            try await call.respond(response.encoded())
            logWrite("Ingested", call, started: started, head: response.headPosition, replayed: response.replayed, [
                "ingest.observations": .stringConvertible(response.summary.observations),
                "ingest.unchanged": .stringConvertible(response.summary.unchanged),
                "ingest.events_appended": .stringConvertible(response.summary.eventsAppended)])
        case .getActualResources:
            let request = try decode(ActualResourcesRequest.self, call)
            // One pod's containers are a small answer; a namespace or the cluster may fill a frame.
            let answer = { () async throws(RPCStatus) -> [UInt8] in try await self.local.actualResources(request).encoded() }
            if request.pod != nil { try await call.respond(try await answer()) } else { try await call.respond(building: answer) }
        case .getResizeState:
            let request = try decode(ResizeStateRequest.self, call)
            try await call.respond(try await local.resizeState(request).encoded())
        case .listResizes:
            let request = try decode(ResizesRequest.self, call)
            try await call.respond { try await local.resizes(request).encoded() }
        case .listOOMKills:
            let request = try decode(OOMKillsRequest.self, call)
            try await call.respond { try await local.oomKills(request).encoded() }
        case .readEvents:
            let request = try decode(ReadEventsRequest.self, call)
            let from = max(1, request.fromPosition)
            try await local.checkRange(from, field: "from_position")
            try await call.respond { try await encodedPage(from: from, selector: request.selector, limit: request.limit).bytes }
        case .watch:
            try await watch(try decode(WatchRequest.self, call), call)
        case .listVPAs:
            let request = try decode(VPAListRequest.self, call)
            try await call.respond { try await local.vpas(request).encoded() }
        case .listPods:
            let request = try decode(PodListRequest.self, call)
            try await call.respond { try await local.pods(request).encoded() }
        case .backup:
            try await backup(try decode(BackupRequest.self, call), call)
        }
    }

    /// The info line each Append and Ingest call leaves, built from the counts the store returned
    /// (no work per event): the peer, what it wrote, the head after it, whether it was a retry
    /// answered from its idempotency key, and how long the store took.
    private func logWrite(_ message: Logger.Message, _ call: ServerCall, started: ContinuousClock.Instant, head: Int64,
                          replayed: Bool, _ counts: Logger.Metadata) {
        guard logger.logLevel <= .info else { return }
        let microseconds = ((ContinuousClock.now - started) / .microseconds(1)).rounded()
        logger.info(message, metadata: counts.merging([
            "rpc.peer": "\(call.peer)", "store.head": .stringConvertible(head), "write.replayed": .stringConvertible(replayed),
            "write.duration_ms": .stringConvertible(microseconds / 1000)]) { count, _ in count })
    }

    /// Decodes a request; a malformed or invalid one is INVALID_ARGUMENT naming the field.
    func decode<Request: WireMessage>(_ type: Request.Type, _ call: ServerCall) throws(RPCStatus) -> Request {
        do throws(WireError) {
            return try Request(decoding: call.payload)
        } catch {
            throw RPCStatus(.invalidArgument, "\(error)")
        }
    }

    /// A page of events from `from`, encoded, that fits in one frame: a page whose encoding is too
    /// large is read again with half as many events.
    func encodedPage(from: Int64, selector: EventSelector, limit: Int) async throws(RPCStatus) -> EncodedEventPage {
        let budget = configuration.maximumFrameBytes - ServerCall.frameOverheadBytes
        var limit = limit
        while true {
            // Recent events come from memory without queueing behind the store actor's commits.
            let page: EncodedEventPage
            if let recent = core.recent.encodedPage(from: from, selector: selector, limit: limit) {
                page = recent
            } else {
                page = EncodedEventPage(try await local.store { core throws(StoreError) in
                    try await core.page(from: from, selector: selector, limit: limit)
                })
            }
            if page.bytes.count <= budget { return page }
            guard page.count > 1 else {
                throw RPCStatus(.resourceExhausted, "event \(page.firstPosition ?? from) alone encodes to "
                                + "\(page.bytes.count) bytes, above the frame limit of \(configuration.maximumFrameBytes); raise --max-frame-bytes")
            }
            limit = page.count / 2
        }
    }
}

extension RPCStatus {
    /// The gRPC status a store error is reported with.
    init(_ error: StoreError) {
        switch error {
        case .invalidArgument(let message): self.init(.invalidArgument, message)
        case .notFound(let message): self.init(.notFound, message)
        case .outOfRange(let message): self.init(.outOfRange, message)
        case .headMoved: self.init(.failedPrecondition, error.description)
        case .corruptEvent: self.init(.dataLoss, error.description)
        case .schemaTooNew, .schemaTooOld, .databaseMissing, .notADatabase, .foreignDatabase, .writerLocked, .lockFileUnusable:
            self.init(.failedPrecondition, error.description)
        case .sqlite(let sqlite):
            // SQLITE_BUSY / SQLITE_LOCKED: another process holds the write lock; retrying may work.
            self.init(sqlite.primaryCode == 5 || sqlite.primaryCode == 6 ? .unavailable : .internal, error.description)
        }
    }
}
