import LogCodec
import Logging
import NIOCore
import NIOPosix
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel

/// The typed async client of the `vpa.store.v1.Store` service: one multiplexed connection (opened
/// on first use, reopened with backoff), typed requests and answers, deadlines, and Watch as an
/// `AsyncSequence` that resumes where it stopped after a reconnect.
///
/// ```swift
/// let client = StoreClient(endpoint: .tcp(host: "127.0.0.1", port: 7373))
/// let answer = try await client.actualResources(ActualResourcesRequest(namespace: "shop", pod: "web-0"))
/// for try await page in client.watch(WatchRequest(fromPosition: 1)) { … }
/// ```
public final class StoreClient: Sendable {
    /// The transport, for raw calls.
    public let rpc: RPCClient
    /// The deadline of a call that does not give its own; nil = none. Each try has the whole deadline.
    public let defaultTimeout: Duration?
    /// When a failed call is tried again (reads, and writes with an idempotency key). None by
    /// default: the transport already tries `connectAttempts` times to connect, and a command a
    /// person runs should fail fast; the daemons and `ingest --server` ask for `.default`.
    public let retry: RetryPolicy

    public init(rpc: RPCClient, defaultTimeout: Duration? = .seconds(30), retry: RetryPolicy = .none) {
        self.rpc = rpc
        self.defaultTimeout = defaultTimeout
        self.retry = retry
    }

    /// A client of the server at `endpoint`; with `tls`, over TLS (`--tls-ca`…).
    public convenience init(endpoint: RPCEndpoint, token: String = "", peerName: String = "vpa-store-client",
                            defaultTimeout: Duration? = .seconds(30), logger: Logger = Logger(label: "vpa-store.client"),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: RPCClientTLS? = nil,
                            retry: RetryPolicy = .none) {
        self.init(rpc: RPCClient(configuration: RPCClientConfiguration(endpoint: endpoint, peerName: peerName, token: token, tls: tls),
                                 logger: logger, group: group),
                  defaultTimeout: defaultTimeout, retry: retry)
    }

    /// Whether the server is serving (false while it drains for shutdown), within `timeout`.
    public func health(timeout: Duration?) async throws(RPCStatus) -> HealthStatus {
        try await call(.checkHealth, HealthRequest(), timeout: timeout)
    }

    /// `StoreAPI.ingest` within `timeout` (a large batch may take longer than the default).
    public func ingest(_ request: IngestRequest, timeout: Duration?) async throws(RPCStatus) -> IngestResponse {
        try await call(.ingest, request, timeout: timeout, idempotent: request.idempotencyKey != nil)
    }

    /// Events from a position, then live. The sequence reconnects and resumes from the last
    /// delivered position when the connection drops or the server restarts, so a watcher sees no
    /// gap and no duplicate; it ends with an error on any other status.
    public func watch(_ request: WatchRequest, reconnectAttempts: Int = 20) -> StoreWatch {
        StoreWatch(client: self, request: request, reconnectAttempts: reconnectAttempts)
    }

    /// A Watch without reconnects whose pages are read only for their positions and commit times
    /// (`EventPageTimes`): what a benchmark needs to measure delivery without paying for decoding
    /// event bodies. `request.fromPosition` must be set.
    public func watchTimes(_ request: WatchRequest) -> AsyncThrowingStream<EventPageTimes, any Error> {
        let frames = rpc.serverStream(StoreMethod.watch.rawValue, request.encoded())
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await bytes in frames { continuation.yield(try EventPageTimes(decoding: bytes)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Takes a backup on the server (`Backup`: a consistent copy of its database file, made while it
    /// goes on writing) and hands the file's bytes to `write`, in order. Checks that the whole file
    /// arrived: every chunk where the last one ended, `BackupInfo.totalBytes` bytes in all, and the
    /// SHA-256 the server sent last; throws `DATA_LOSS` otherwise, and whatever `write` or the call
    /// throws. No deadline unless `timeout` is given (a large database takes a while).
    public func backup(timeout: Duration? = nil, write: ([UInt8]) async throws -> Void) async throws -> ReceivedBackup {
        var info: BackupInfo?
        var received: UInt64 = 0
        var hash = BackupChecksum()
        var digest: [UInt8]?
        for try await bytes in rpc.serverStream(StoreMethod.backup.rawValue, BackupRequest().encoded(), timeout: timeout) {
            let chunk: BackupChunk
            do throws(WireError) {
                chunk = try BackupChunk(decoding: bytes)
            } catch {
                throw RPCStatus(.internal, "the server's Backup message could not be read: \(error)")
            }
            switch (chunk, info, digest) {
            case (.info(let first), nil, nil):
                info = first
            case (.data(let offset, let data), let info?, nil) where offset == received && received + UInt64(data.count) <= info.totalBytes:
                hash.update(data)
                received += UInt64(data.count)
                try await write(data)
            case (.end(let sha256), let info?, nil) where received == info.totalBytes:
                digest = sha256
            default:
                throw RPCStatus(.dataLoss, "the Backup stream is out of order at byte \(received) of \(info.map { "\($0.totalBytes)" } ?? "?") "
                                + "(a \(Self.kind(of: chunk)) message where it cannot be); take the backup again")
            }
        }
        guard let info, let digest else {
            throw RPCStatus(.dataLoss, "the Backup stream ended after \(received) bytes without its digest; take the backup again")
        }
        let computed = hash.finalize()
        guard computed == digest else {
            throw RPCStatus(.dataLoss, "the backup's SHA-256 is \(BackupChecksum.hex(computed)), the server sent \(BackupChecksum.hex(digest)): "
                            + "the bytes were damaged on the way; take the backup again")
        }
        return ReceivedBackup(info: info, sha256: digest)
    }

    private static func kind(of chunk: BackupChunk) -> String {
        switch chunk {
        case .info: "BackupInfo"
        case .data: "data"
        case .end: "sha256"
        }
    }

    /// Closes the connection; a later call opens a new one.
    public func close() async {
        await rpc.close()
    }

    /// One call, tried again as `retry` allows when `idempotent` (a read, or a write with a key).
    private func call<Request: WireMessage, Response: WireMessage>(_ method: StoreMethod, _ request: Request,
                                                                    timeout: Duration?, idempotent: Bool = true)
        async throws(RPCStatus) -> Response {
        let payload = request.encoded()
        var attempt = 1
        while true {
            do throws(RPCStatus) {
                let bytes = try await rpc.unary(method.rawValue, payload, timeout: timeout ?? defaultTimeout)
                do throws(WireError) {
                    return try Response(decoding: bytes)
                } catch {
                    throw RPCStatus(.internal, "the server's \(method.shortName) answer could not be read: \(error)")
                }
            } catch where idempotent && retry.retries(error, attempt: attempt) && !Task.isCancelled {
                rpc.logger.info("Call failed; trying again", metadata: [
                    "rpc.method": "\(method.shortName)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: retry.backoff(after: attempt))
                attempt += 1
            }
        }
    }
}

// MARK: - StoreAPI

extension StoreClient: StoreAPI {
    public func serverInfo() async throws(RPCStatus) -> ServerInfo { try await call(.getServerInfo, ServerInfoRequest(), timeout: nil) }
    public func health() async throws(RPCStatus) -> HealthStatus { try await health(timeout: nil) }
    /// Retried as `retry` allows only with an idempotency key, so a retry never appends twice.
    public func append(_ request: AppendRequest) async throws(RPCStatus) -> AppendResponse {
        try await call(.append, request, timeout: nil, idempotent: request.idempotencyKey != nil)
    }
    public func ingest(_ request: IngestRequest) async throws(RPCStatus) -> IngestResponse {
        try await ingest(request, timeout: nil)
    }
    public func actualResources(_ request: ActualResourcesRequest) async throws(RPCStatus) -> ActualResourcesResponse {
        try await call(.getActualResources, request, timeout: nil)
    }
    public func resizeState(_ request: ResizeStateRequest) async throws(RPCStatus) -> ResizeStateResponse {
        try await call(.getResizeState, request, timeout: nil)
    }
    public func resizes(_ request: ResizesRequest) async throws(RPCStatus) -> ResizesResponse {
        try await call(.listResizes, request, timeout: nil)
    }
    public func oomKills(_ request: OOMKillsRequest) async throws(RPCStatus) -> OOMKillsResponse {
        try await call(.listOOMKills, request, timeout: nil)
    }
    public func readEvents(_ request: ReadEventsRequest) async throws(RPCStatus) -> EventPage {
        try await call(.readEvents, request, timeout: nil)
    }
    public func vpas(_ request: VPAListRequest) async throws(RPCStatus) -> VPAListResponse {
        try await call(.listVPAs, request, timeout: nil)
    }
    public func pods(_ request: PodListRequest) async throws(RPCStatus) -> PodListResponse {
        try await call(.listPods, request, timeout: nil)
    }
}

/// A Watch as an `AsyncSequence` of pages: pages with events, and progress pages (no events) that
/// carry the head when the watch is idle.
public struct StoreWatch: AsyncSequence, Sendable {
    public typealias Element = EventPage

    let client: StoreClient
    let request: WatchRequest
    let reconnectAttempts: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, request: request, reconnectAttempts: reconnectAttempts)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let client: StoreClient
        var request: WatchRequest
        let reconnectAttempts: Int
        private var stream: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator?
        private var storeID: String?
        private var failures = 0

        init(client: StoreClient, request: WatchRequest, reconnectAttempts: Int) {
            self.client = client
            self.request = request
            self.reconnectAttempts = reconnectAttempts
        }

        /// The position the watch resumes from after a reconnect.
        public var nextPosition: Int64? { request.fromPosition }

        public mutating func next() async throws -> EventPage? {
            while true {
                do {
                    if stream == nil { try await open() }
                    guard let bytes = try await stream?.next() else { return nil }
                    let page = try EventPage(decoding: bytes)
                    request.fromPosition = page.nextPosition
                    failures = 0
                    return page
                } catch let status as RPCStatus where status.code == .unavailable && failures < reconnectAttempts {
                    // The connection dropped or the server is restarting: resume from the last position.
                    stream = nil
                    failures += 1
                    try await Task.sleep(for: .milliseconds(Swift.min(2000, 50 << Swift.min(failures, 6))))
                }
            }
        }

        private mutating func open() async throws {
            let welcome = try await client.rpc.welcome()
            if let storeID, storeID != welcome.storeID {
                throw RPCStatus(.failedPrecondition, "the server now serves store \(welcome.storeID), not \(storeID): positions do not carry over")
            }
            storeID = welcome.storeID
            if request.fromPosition == nil {
                // "From now", made concrete so a resume after a reconnect neither skips nor repeats.
                request.fromPosition = try await client.serverInfo().headPosition + 1
            }
            stream = client.rpc.serverStream(StoreMethod.watch.rawValue, request.encoded()).makeAsyncIterator()
        }
    }
}

/// A backup received whole from a server (see `StoreClient.backup`).
public struct ReceivedBackup: Hashable, Sendable {
    /// What it holds.
    public var info: BackupInfo
    /// The SHA-256 of the file, checked against the bytes received.
    public var sha256: [UInt8]
}
