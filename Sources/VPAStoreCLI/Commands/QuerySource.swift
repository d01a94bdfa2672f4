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
        if let endpoint = server.server {
            return .server(StoreClient(endpoint: endpoint, token: try server.token(), peerName: "vpa-store query",
                                       tls: server.clientTLS),
                           endpoint: endpoint)
        }
        return .file(try database.openForReading(), path: database.path)
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

    /// Events matching `filter` with their streams, oldest first, at most `filter.limit`; over RPC,
    /// as many pages as that takes.
    func events(_ filter: EventFilter) async throws -> [EventRecord] {
        switch self {
        case .file(let store, _):
            // Over RPC a read below the cut is OUT_OF_RANGE; here the history is shown from the cut, and said so.
            if let compaction = store.compaction, filter.fromPosition <= compaction.throughPosition {
                writeToStandardError("note: the log was compacted: the history starts at position \(compaction.firstPosition) "
                                     + "(\(compaction.before.rfc3339)); events before it were removed\n")
            }
            return try store.events(filter).map { EventRecord(event: $0, stream: store.stream($0.streamID)) }
        case .server(let client, _):
            let selector = EventSelector(pod: filter.pod.map { PodName(namespace: $0.namespace, name: $0.name) },
                                         type: filter.type, since: filter.since, until: filter.until)
            var records: [EventRecord] = []
            var next = filter.fromPosition
            while records.count < filter.limit {
                let want = min(filter.limit - records.count, ReadEventsRequest.maximumLimit)
                let page = try await remote { () async throws(RPCStatus) in
                    try await client.readEvents(ReadEventsRequest(fromPosition: next, limit: want, selector: selector))
                }
                records += page.events
                if page.nextPosition > page.headPosition || page.nextPosition <= next { break }
                next = page.nextPosition
            }
            return records
        }
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
