import EventStore
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// Where a query reads: the database file (read-only, safe next to a running server) or a server
/// over RPC. Both give the same values, so each command prints the same either way.
enum QuerySource {
    case file(EventStore, path: String)
    case server(StoreClient, endpoint: RPCEndpoint)

    /// The source the options name: the server with `--server`, the file otherwise.
    static func open(_ database: DatabaseOptions, _ server: ServerOptions) throws -> QuerySource {
        if let remote = try connect(server) { return remote }
        return .file(try database.openForReading(), path: database.path)
    }

    /// The server `--server` names; nil without the option.
    static func connect(_ server: ServerOptions) throws -> QuerySource? {
        guard let endpoint = server.server else { return nil }
        return .server(StoreClient(endpoint: endpoint, token: try server.token(), peerName: "vpa-store query",
                                   tls: server.clientTLS),
                       endpoint: endpoint)
    }

    /// Where the answers come from, for error messages.
    var name: String {
        switch self {
        case .file(_, let path): path
        case .server(_, let endpoint): "the server at \(endpoint)"
        }
    }

    func resources(at point: PointInTime?, namespace: String?, pod: String?) async throws -> [ContainerResourcesView] {
        switch self {
        case .file(let store, _):
            guard let point else { return store.currentResources(namespace: namespace, pod: pod) }
            return try store.resources(at: point, namespace: namespace, pod: pod)
        case .server(let client, _):
            return try await remote { () async throws(RPCStatus) in
                // In pages: a whole cluster's answer does not fit one frame.
                try await client.allActualResources(ActualResourcesRequest(namespace: namespace, pod: pod, at: point)).containers
            }
        }
    }

    func resizes(state: ResizeState?, now: Timestamp, timeouts: ResizeTimeouts) async throws -> [ResizeView] {
        switch self {
        case .file(let store, _):
            return store.resizes(state: state, now: now, timeouts: timeouts)
        case .server(let client, _):
            return try await remote { () async throws(RPCStatus) in
                try await client.resizes(ResizesRequest(state: state, now: now, timeouts: timeouts)).resizes
            }
        }
    }

    func oomKills(namespace: String?, pod: String?, container: String?, since: Timestamp?, until: Timestamp?)
        async throws -> [OOMView] {
        switch self {
        case .file(let store, _):
            return try store.oomKills(namespace: namespace, pod: pod, container: container, since: since, until: until)
        case .server(let client, _):
            return try await remote { () async throws(RPCStatus) in
                try await client.oomKills(OOMKillsRequest(namespace: namespace, pod: pod, container: container,
                                                          since: since, until: until)).kills
            }
        }
    }

    func vpas(namespace: String?) async throws -> [VPARecord] {
        switch self {
        case .file(let store, _):
            return store.vpaRecords(namespace: namespace)
        case .server(let client, _):
            return try await remote { () async throws(RPCStatus) in try await client.vpas(VPAListRequest(namespace: namespace)).vpas }
        }
    }

    /// Reads the events `filter` selects and `selection` keeps, oldest first, a page at a time, and
    /// hands each page to `body`, until `filter.limit` events were handed over or the log ends.
    /// Memory stays at one page whatever the limit. Returns the position to continue from when more
    /// events match past the limit, nil when the answer is complete.
    func forEachEventPage(_ filter: EventFilter, keeping selection: StreamSelection = StreamSelection(),
                          pageSize: Int = 1000, _ body: ([EventRecord]) throws -> Void) async throws -> Int64? {
        if case .file(let store, _) = self, let compaction = store.compaction, filter.fromPosition <= compaction.throughPosition {
            // Over RPC a read below the cut is OUT_OF_RANGE; here the history is shown from the cut, and said so.
            writeToStandardError("note: the log was compacted: the history starts at position \(compaction.firstPosition) "
                                 + "(\(compaction.before.rfc3339)); events before it were removed\n")
        }
        var remaining = filter.limit
        var from = filter.fromPosition
        while true {
            // One more than asked, so a read that fills the limit also tells whether more follow;
            // whole pages when events are dropped here, so a sparse selection is not read in driblets.
            let want = selection.keepsEverything && remaining < pageSize ? remaining + 1 : pageSize
            let page = try await eventPage(filter, from: from, limit: want)
            let kept = selection.keepsEverything ? page.records : page.records.filter(selection.matches)
            if kept.count > remaining {
                if remaining > 0 { try body(Array(kept.prefix(remaining))) }
                return kept[remaining].event.position
            }
            if !kept.isEmpty { try body(kept) }
            remaining -= kept.count
            guard let next = page.next else { return nil }
            from = next
        }
    }

    /// One page of the log from `from`: at most `limit` events matching `filter`, and where the next
    /// page starts (nil at the end of the log).
    private func eventPage(_ filter: EventFilter, from: Int64, limit: Int) async throws
        -> (records: [EventRecord], next: Int64?) {
        switch self {
        case .file(let store, _):
            var page = filter
            page.fromPosition = from
            page.limit = limit
            let events = try store.events(page)
            let records = events.map { EventRecord(event: $0, stream: store.stream($0.streamID)) }
            return (records, events.count < limit ? nil : events[events.count - 1].position + 1)
        case .server(let client, _):
            let selector = EventSelector(pod: filter.pod.map { PodName(namespace: $0.namespace, name: $0.name) },
                                         type: filter.type, since: filter.since, until: filter.until)
            let request = ReadEventsRequest(fromPosition: from, limit: min(limit, ReadEventsRequest.maximumLimit),
                                            selector: selector)
            let page = try await remote { () async throws(RPCStatus) in try await client.readEvents(request) }
            let atEnd = page.nextPosition > page.headPosition || page.nextPosition <= from
            return (page.events, atEnd ? nil : page.nextPosition)
        }
    }

    /// The server's `GetServerInfo`; only with `--server`.
    func serverInfo() async throws -> ServerInfo {
        guard case .server(let client, _) = self else { throw CLIError("no server given: use --server HOST:PORT") }
        return try await remote { () async throws(RPCStatus) in try await client.serverInfo() }
    }

    func close() async {
        if case .server(let client, _) = self { await client.close() }
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
