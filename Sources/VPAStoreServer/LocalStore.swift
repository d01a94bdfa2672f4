import EventStore
import Logging
import NIOCore
import NIOPosix
import StoreAPI
import StoreWire
import VPAModel

/// The store in this process as a `StoreAPI`: what `--db` reads and what a server answers each
/// call with. Every query and its filters live here once (through `StoreCore`), so a command
/// prints the same whether it reads the file or a server.
public final class LocalStore: StoreAPI {
    let core: StoreCore
    /// The resize timeouts a request that gives none is judged by.
    let timeouts: ResizeTimeouts
    private let settings: ServerSettings
    private let startedAt: Timestamp
    private let clock: @Sendable () -> Timestamp
    private let activity: @Sendable () -> (connections: Int, watchers: Int)
    private let logger: Logger
    /// Every call passes it, so `close()` waits for the calls in progress and refuses later ones.
    let gate = CoreAccessGate()
    /// The thread this store opened for its SQLite calls, when it opened the file itself.
    private let ownThread: MultiThreadedEventLoopGroup?
    /// Why a read-only file is read as an immutable snapshot (see `EventStore.immutableSnapshot`),
    /// for the caller to say; nil otherwise.
    public let immutableSnapshot: String?

    init(core: StoreCore, settings: ServerSettings, logger: Logger, clock: @escaping @Sendable () -> Timestamp = { .now },
         activity: @escaping @Sendable () -> (connections: Int, watchers: Int) = { (0, 0) },
         ownThread: MultiThreadedEventLoopGroup? = nil, immutableSnapshot: String? = nil) {
        self.core = core
        self.immutableSnapshot = immutableSnapshot
        self.timeouts = settings.timeouts
        self.settings = settings
        self.clock = clock
        self.startedAt = clock()
        self.activity = activity
        self.logger = logger
        self.ownThread = ownThread
    }

    /// Opens the database at `path` in this process. For reading (`--db` queries) it is safe next
    /// to a running server, which stays the file's one writer; for writing (creating and migrating
    /// the file when needed) this store becomes that writer, and fails naming the holder when a
    /// server or an `ingest` has the file. `close()` lets it go.
    public static func open(path: String, access: EventStore.Access = .readOnly, timeouts: ResizeTimeouts = ResizeTimeouts(),
                            logger: Logger = Logger(label: "vpa-store.local")) throws -> LocalStore {
        let store = try EventStore(path: path, access: access)
        let thread = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // A writer in this process (tests, `ingest --db`) reads its own point reads the server's way.
        let core = StoreCore(store: store, metrics: StoreMetrics(), recentCapacity: access == .readOnly ? 0 : 1024,
                             publishesResources: access == .readWrite,
                             executor: thread.next().executor)
        let settings = ServerSettings(database: path, listen: "", maxFrameBytes: 0, tokenRequired: false, timeouts: timeouts,
                                      watchBufferEvents: 0, watchProgressInterval: .zero, shutdownGrace: .zero)
        return LocalStore(core: core, settings: settings, logger: logger, ownThread: thread,
                          immutableSnapshot: store.immutableSnapshot.map { "\($0)" })
    }

    public func serverInfo() async throws(RPCStatus) -> ServerInfo {
        try await guarded { () async throws(RPCStatus) in try await info() }
    }

    private func info() async throws(RPCStatus) -> ServerInfo {
        let (mode, detected) = await core.inPlaceMode
        let first = try await store { core throws(StoreError) in try await core.firstPosition() }
        let (connections, watchers) = activity()
        return ServerInfo(serverVersion: VPAStoreVersion.current, protocolVersion: Frame.protocolVersion,
                          storeID: await core.storeID, headPosition: await core.headPosition, firstPosition: first,
                          inPlaceMode: mode, inPlaceDetected: detected, startedAt: startedAt,
                          openConnections: UInt32(clamping: connections), watchers: UInt32(clamping: watchers),
                          settings: settings)
    }

    public func health() async throws(RPCStatus) -> HealthStatus {
        try await guarded { () async throws(RPCStatus) in
            HealthStatus(serving: await !core.shuttingDown, headPosition: await core.headPosition)
        }
    }

    public func append(_ request: AppendRequest) async throws(RPCStatus) -> AppendResponse {
        try await store { [clock] core throws(StoreError) in try await core.append(request, now: clock()) }
    }

    public func ingest(_ request: IngestRequest) async throws(RPCStatus) -> IngestResponse {
        try await store { [clock] core throws(StoreError) in try await core.ingest(request, now: clock()) }
    }

    public func actualResources(_ request: ActualResourcesRequest) async throws(RPCStatus) -> ActualResourcesResponse {
        if let answer = core.publishedResources?.answer(request) { return answer }
        return try await store { core throws(StoreError) in try await core.actualResources(request) }
    }

    public func resizeState(_ request: ResizeStateRequest) async throws(RPCStatus) -> ResizeStateResponse {
        try await store { [clock, timeouts] core throws(StoreError) in
            try await core.resizeState(request, now: clock(), defaults: timeouts)
        }
    }

    public func resizes(_ request: ResizesRequest) async throws(RPCStatus) -> ResizesResponse {
        try await guarded { () async throws(RPCStatus) in await core.resizes(request, now: clock(), defaults: timeouts) }
    }

    public func oomKills(_ request: OOMKillsRequest) async throws(RPCStatus) -> OOMKillsResponse {
        try await store { core throws(StoreError) in try await core.oomKills(request) }
    }

    public func readEvents(_ request: ReadEventsRequest) async throws(RPCStatus) -> EventPage {
        // The wire decoder's rule, so an in-process caller gets the answer a server gives: 0 is
        // 1000, and a page is 1 to 10,000 events (0 or less would index an empty page).
        let limit = request.limit == 0 ? 1000 : request.limit
        guard (1...ReadEventsRequest.maximumLimit).contains(limit) else {
            throw RPCStatus(.invalidArgument, "field ReadEventsRequest.limit: \(request.limit) is not a page size; give 1 to "
                            + "\(ReadEventsRequest.maximumLimit), or 0 for 1000")
        }
        let from = max(1, request.fromPosition)
        try await checkRange(from, field: "from_position")
        return try await page(from: from, selector: request.selector, limit: limit)
    }

    public func vpas(_ request: VPAListRequest) async throws(RPCStatus) -> VPAListResponse {
        try await guarded { () async throws(RPCStatus) in await core.vpas(request) }
    }

    public func pods(_ request: PodListRequest) async throws(RPCStatus) -> PodListResponse {
        try await guarded { () async throws(RPCStatus) in await core.pods(request, now: clock(), defaults: timeouts) }
    }

    /// Waits for the calls in progress, refuses later ones (UNAVAILABLE), writes a snapshot and
    /// lets the file go; a second close does nothing.
    public func close() async {
        core.publishedResources?.close()
        guard await gate.close() else { return }
        await core.close()
        try? await ownThread?.shutdownGracefully()
    }

    /// Runs `body` unless the store is closed: UNAVAILABLE after `close()`, never a call that waits
    /// forever on the store's stopped thread.
    func guarded<T>(_ body: () async throws(RPCStatus) -> T) async throws(RPCStatus) -> T {
        guard gate.enter() else { throw RPCStatus(.unavailable, "the store \(settings.database) is closed") }
        defer { gate.leave() }
        return try await body()
    }

    // MARK: - What the server's streaming calls share

    /// A page of events from `from`: recent ones from memory, without queueing behind the store
    /// actor's commits; older ones from the log.
    func page(from: Int64, selector: EventSelector, limit: Int) async throws(RPCStatus) -> EventPage {
        if let recent = core.recent.page(from: from, selector: selector, limit: limit) { return recent }
        return try await store { core throws(StoreError) in try await core.page(from: from, selector: selector, limit: limit) }
    }

    /// OUT_OF_RANGE for a position below the log's first position or beyond the head + 1 (the
    /// next position to be written, where a reader waits for new events).
    func checkRange(_ position: Int64, field: String) async throws(RPCStatus) {
        let first = try await store { core throws(StoreError) in try await core.firstPosition() }
        let head = await core.headPosition
        if let compaction = await core.compaction, position <= compaction.throughPosition {
            throw RPCStatus(.outOfRange, compaction.compactedMessage("\(field) \(position)", firstPosition: first))
        }
        if position < first && first <= head {
            throw RPCStatus(.outOfRange, "\(field) \(position) is below the first position still in the log, \(first)")
        }
        if position > head + 1 {
            throw RPCStatus(.outOfRange, "\(field) \(position) is beyond the head + 1 (\(head + 1))")
        }
    }

    /// Runs a store operation, turning its error into a status.
    func store<T: Sendable>(_ body: (StoreCore) async throws(StoreError) -> T) async throws(RPCStatus) -> T {
        guard gate.enter() else { throw RPCStatus(.unavailable, "the store \(settings.database) is closed") }
        defer { gate.leave() }
        do throws(StoreError) {
            return try await body(core)
        } catch {
            let status = RPCStatus(error)
            if status.code == .internal || status.code == .dataLoss {
                logger.error("Store operation failed", metadata: ["error": "\(error)"])
            }
            throw status
        }
    }
}
