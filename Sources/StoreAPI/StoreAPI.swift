import VPAModel

/// What the store answers, whether it runs in this process or behind a server: the seam every
/// reader and writer of the store (the CLI, the recommender, the updater, the simulator) is
/// written against. `--db` or `--server` picks the implementation once: `LocalStore`
/// (VPAStoreServer) reads and writes the database file; `StoreClient` (VPAStoreClient) asks a
/// server over RPC, and the server answers each call with a `LocalStore`. Both give the same
/// answers and fail with the same statuses (gRPC's codes: a local store too says NOT_FOUND,
/// OUT_OF_RANGE, INVALID_ARGUMENT), so a caller's error handling does not depend on where the
/// store is.
public protocol StoreAPI: Sendable {
    /// Version, store id, first position and head, in-place mode and settings.
    func serverInfo() async throws(RPCStatus) -> ServerInfo
    /// Whether the store is serving (false while a server drains for shutdown).
    func health() async throws(RPCStatus) -> HealthStatus
    /// Appends client-authored events, all or nothing. With an idempotency key, a retry appends
    /// nothing and answers as the first call did (`replayed` true). With an expected head,
    /// FAILED_PRECONDITION when another writer appended first.
    func append(_ request: AppendRequest) async throws(RPCStatus) -> AppendResponse
    /// Ingests observations with the same derivations as `vpa-store ingest`, all or nothing.
    func ingest(_ request: IngestRequest) async throws(RPCStatus) -> IngestResponse
    /// Actual resources of the matching containers, now or at a time or position.
    func actualResources(_ request: ActualResourcesRequest) async throws(RPCStatus) -> ActualResourcesResponse
    /// One pod's resize state and timeout verdict; NOT_FOUND for a pod the store does not have.
    func resizeState(_ request: ResizeStateRequest) async throws(RPCStatus) -> ResizeStateResponse
    /// Pods in a resize, with elapsed time and timeout verdicts.
    func resizes(_ request: ResizesRequest) async throws(RPCStatus) -> ResizesResponse
    /// OOM kills by pod, container and time range.
    func oomKills(_ request: OOMKillsRequest) async throws(RPCStatus) -> OOMKillsResponse
    /// One page of the log from `request.fromPosition`; OUT_OF_RANGE below the first position
    /// still in the log (after a compaction) or beyond the head + 1.
    func readEvents(_ request: ReadEventsRequest) async throws(RPCStatus) -> EventPage
    /// The VerticalPodAutoscalers with their latest recommendations.
    func vpas(_ request: VPAListRequest) async throws(RPCStatus) -> VPAListResponse
    /// One page of live pods with their resources and resize state.
    func pods(_ request: PodListRequest) async throws(RPCStatus) -> PodListResponse
    /// Lets go of the store (a connection, or the file and its thread). Calls after it fail.
    func close() async
}

extension StoreAPI {
    // The calls whose every request field is optional, asked with none.

    /// The VerticalPodAutoscalers with their latest recommendations, in every namespace.
    public func vpas() async throws(RPCStatus) -> VPAListResponse { try await vpas(VPAListRequest()) }
    /// Every container's actual resources, in one answer (see `allActualResources` for pages).
    public func actualResources() async throws(RPCStatus) -> ActualResourcesResponse {
        try await actualResources(ActualResourcesRequest())
    }
    /// Every pod in a resize.
    public func resizes() async throws(RPCStatus) -> ResizesResponse { try await resizes(ResizesRequest()) }
    /// Every OOM kill.
    public func oomKills() async throws(RPCStatus) -> OOMKillsResponse { try await oomKills(OOMKillsRequest()) }
    /// The first page of live pods.
    public func pods() async throws(RPCStatus) -> PodListResponse { try await pods(PodListRequest()) }

    /// Every live pod, reading as many pages as that takes.
    public func allPods(namespace: String? = nil, now: Timestamp? = nil, timeouts: ResizeTimeouts? = nil)
        async throws(RPCStatus) -> [PodRecord] {
        var pods: [PodRecord] = []
        var after: String?
        repeat {
            let page = try await self.pods(PodListRequest(namespace: namespace, now: now, timeouts: timeouts, pageAfter: after))
            pods += page.pods
            after = page.nextPageAfter
        } while after != nil
        return pods
    }

    /// Every container `request` selects, read in pages so an answer of any size fits the frame
    /// limit: `pageSize` containers per page (20,000 take about 2.4 MB, inside the default 4 MiB
    /// frame), halved while a page is still too large for the server's frame. The server builds
    /// the whole answer for every page, so fewer, larger pages are faster. The position is the
    /// first page's. Without `at`, each page is current when it is read (as `ListPods` pages are):
    /// a pod created or deleted between pages may be missing or present; pass `at` for one
    /// consistent answer.
    public func allActualResources(_ request: ActualResourcesRequest = ActualResourcesRequest(), pageSize: Int = 20_000)
        async throws(RPCStatus) -> ActualResourcesResponse {
        var page = request
        page.limit = max(1, pageSize)
        var answer: ActualResourcesResponse?
        while true {
            let part: ActualResourcesResponse
            do {
                part = try await actualResources(page)
            } catch where error.code == .resourceExhausted && page.limit! > 1 {
                page.limit = page.limit! / 2
                continue
            }
            if answer == nil { answer = part } else { answer!.containers += part.containers }
            guard let after = part.nextPageAfter else { break }
            page.pageAfter = after
        }
        answer!.nextPageAfter = nil
        return answer!
    }

    /// The largest `occurredAt` among the log's last `tailEvents` events, or nil for an empty log:
    /// one GetServerInfo and one ReadEvents. Where `--now-from-log` takes "now" from.
    public func latestOccurredAt(tailEvents: Int = 64) async throws(RPCStatus) -> Timestamp? {
        let info = try await serverInfo()
        guard info.headPosition >= info.firstPosition, info.headPosition > 0 else { return nil }
        let from = max(info.firstPosition, info.headPosition - Int64(tailEvents) + 1, 1)
        let page = try await readEvents(ReadEventsRequest(fromPosition: from, limit: tailEvents))
        return page.events.map(\.event.occurredAt).max()
    }
}
