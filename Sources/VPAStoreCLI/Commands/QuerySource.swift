import EventStore
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient
import VPAStoreServer

/// Where a query reads, picked once: the database file (read-only, safe next to a running server)
/// with `--db`, or a server over RPC with `--server`. Both are a `StoreAPI` and give the same
/// answers, so each command prints the same either way; what is left here is the CLI's: error
/// messages that name the source, and reading the log in pages.
struct QuerySource {
    let store: any StoreAPI
    /// Where the answers come from, for error messages.
    let name: String

    /// The source the options name: the server with `--server`, the file otherwise.
    static func open(_ database: DatabaseOptions, _ server: ServerOptions) throws -> QuerySource {
        if let remote = try connect(server) { return remote }
        let local = try LocalStore.open(path: database.path)
        if let snapshot = local.immutableSnapshot { writeToStandardError("note: \(snapshot)\n") }
        return QuerySource(store: local, name: database.path)
    }

    /// The server `--server` names; nil without the option.
    static func connect(_ server: ServerOptions) throws -> QuerySource? {
        guard let endpoint = server.server else { return nil }
        return QuerySource(store: StoreClient(endpoint: endpoint, token: try server.token(), peerName: "vpa-store query",
                                              tls: server.clientTLS),
                           name: "the server at \(endpoint)")
    }

    func resources(at point: PointInTime?, namespace: String?, pod: String?) async throws -> [ContainerResourcesView] {
        try await remote { () async throws(RPCStatus) in
            try await store.allActualResources(ActualResourcesRequest(namespace: namespace, pod: pod, at: point)).containers
        }
    }

    func resizes(state: ResizeState?, now: Timestamp, timeouts: ResizeTimeouts) async throws -> [ResizeView] {
        try await remote { () async throws(RPCStatus) in
            try await store.resizes(ResizesRequest(state: state, now: now, timeouts: timeouts)).resizes
        }
    }

    func oomKills(namespace: String?, pod: String?, container: String?, since: Timestamp?, until: Timestamp?)
        async throws -> [OOMView] {
        try await remote { () async throws(RPCStatus) in
            try await store.oomKills(OOMKillsRequest(namespace: namespace, pod: pod, container: container,
                                                     since: since, until: until)).kills
        }
    }

    func vpas(namespace: String?) async throws -> [VPARecord] {
        try await remote { () async throws(RPCStatus) in try await store.vpas(VPAListRequest(namespace: namespace)).vpas }
    }

    /// Reads the events `selector` selects from position `from`, oldest first, a page at a time,
    /// and hands each page to `body`, until `limit` events were handed over or the log ends. Memory
    /// stays at one page whatever the limit. Returns the position to continue from when more events
    /// match past the limit, nil when the answer is complete. A read from below a compaction's cut
    /// starts at the cut, and says so on standard error.
    func forEachEventPage(_ selector: EventSelector, from start: Int64, limit: Int, pageSize: Int = 1000,
                          _ body: ([EventRecord]) throws -> Void) async throws -> Int64? {
        var remaining = limit
        var from = start
        while true {
            // One more than asked, so a read that fills the limit also tells whether more follow.
            let request = ReadEventsRequest(fromPosition: from, limit: min(remaining < pageSize ? remaining + 1 : pageSize,
                                                                           ReadEventsRequest.maximumLimit),
                                            selector: selector)
            let page: EventPage
            do throws(RPCStatus) {
                page = try await store.readEvents(request)
            } catch where error.code == .outOfRange {
                guard let first = try? await store.serverInfo().firstPosition, from < first else { throw CLIError("\(name): \(error)") }
                // The store's message says why (a compaction's cut names itself); retention of old
                // usage samples can also move the first position.
                writeToStandardError("note: the history starts at position \(first); events before it were removed "
                                     + "(\(error.message))\n")
                from = first
                continue
            } catch {
                throw CLIError("\(name): \(error)")
            }
            if page.events.count > remaining {
                if remaining > 0 { try body(Array(page.events.prefix(remaining))) }
                return page.events[remaining].event.position
            }
            if !page.events.isEmpty { try body(page.events) }
            remaining -= page.events.count
            if page.nextPosition > page.headPosition || page.nextPosition <= from { return nil }
            from = page.nextPosition
        }
    }

    /// The server's `GetServerInfo`; only with `--server`.
    func serverInfo() async throws -> ServerInfo {
        try await remote { () async throws(RPCStatus) in try await store.serverInfo() }
    }

    func close() async {
        await store.close()
    }

    /// Runs a remote call, turning its status into a message for the user.
    private func remote<T>(_ body: () async throws(RPCStatus) -> T) async throws -> T {
        do throws(RPCStatus) {
            return try await body()
        } catch {
            throw CLIError("\(name): \(error)")
        }
    }
}
