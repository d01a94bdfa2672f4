import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// The audit queries an SRE runs, through the server: every container's resources as of a past
/// time, one pod's whole timeline, and the OOM kills of a time range. Each runs `repeats` times;
/// the median is reported.
public struct AuditQueryBenchmark: Sendable {
    public struct Row: Sendable {
        public var workload: String
        public var medianMilliseconds: Double
        /// What one run returned (containers, events, kills).
        public var items: Int
    }

    public let endpoint: RPCEndpoint
    public let cluster: ClusterGenerator
    public var repeats = 5

    public init(endpoint: RPCEndpoint, cluster: ClusterGenerator) {
        self.endpoint = endpoint
        self.cluster = cluster
    }

    /// - Parameter rounds: the rounds the log holds; the queries look at their middle.
    public func run(rounds: Int) async throws -> [Row] {
        let client = StoreClient(endpoint: endpoint, peerName: "vpa-store bench audit")
        defer { Task { await client.close() } }
        let middle = cluster.time(ofRound: rounds / 2)
        var rows: [Row] = []
        // One answer must fit a frame, so the whole cluster is asked namespace by namespace, as
        // `vpa-store query resources --server` would page a large cluster.
        rows.append(try await measure("resources --at, whole cluster (\(ClusterGenerator.namespaces) namespace calls)") {
            var containers = 0
            for namespace in 0..<ClusterGenerator.namespaces {
                containers += try await client.actualResources(
                    ActualResourcesRequest(namespace: "ns-\(namespace)", at: .time(middle))).containers.count
            }
            return containers
        })
        let pod = cluster.pods / 2
        rows.append(try await measure("timeline of one pod (every event)") {
            var events = 0
            var from: Int64 = 1
            while true {
                let page = try await client.readEvents(ReadEventsRequest(
                    fromPosition: from, limit: 10_000,
                    selector: EventSelector(pod: PodKey(namespace: ClusterGenerator.namespace(of: pod), name: ClusterGenerator.name(of: pod)))))
                events += page.events.count
                guard page.events.count == 10_000 else { break }
                from = page.nextPosition
            }
            return events
        })
        let window = max(1, rounds / 4)
        rows.append(try await measure("OOM kills in a \(window)-minute range, whole cluster") {
            try await client.oomKills(OOMKillsRequest(since: cluster.time(ofRound: rounds / 2 - window / 2),
                                                      until: cluster.time(ofRound: rounds / 2 + window / 2))).kills.count
        })
        return rows
    }

    private func measure(_ workload: String, _ body: () async throws -> Int) async throws -> Row {
        var durations: [Duration] = []
        var items = 0
        for _ in 0..<repeats {
            let started = ContinuousClock.now
            items = try await body()
            durations.append(.now - started)
        }
        let median = durations.sorted()[durations.count / 2]
        return Row(workload: workload, medianMilliseconds: median.microseconds / 1000, items: items)
    }
}
