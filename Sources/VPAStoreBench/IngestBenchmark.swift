import StoreAPI
import StoreRPC
import StoreWire
import Synchronization
import VPAModel
import VPAStoreClient

/// Ingest through the server from several connections at once, as informers and a metrics
/// scraper would: each connection owns a share of the pods (pod `i` goes to connection
/// `i % connections`, so one pod's observations stay in order) and sends, round after round, the
/// observations that changed and then the usage samples, `batchSize` items per Ingest call. Every
/// call is durable: the server answers after its transaction commits.
///
/// The requests are built before the clock starts, so the figure is the server's and the wire's,
/// not the generator's.
public struct IngestBenchmark: Sendable {
    public struct Settings: Sendable {
        public var connections: Int
        /// Items (pods or usage samples) per Ingest call.
        public var batchSize: Int
        public init(connections: Int, batchSize: Int) {
            self.connections = connections
            self.batchSize = batchSize
        }
    }

    /// What one ingest phase did.
    public struct Phase: Sendable {
        public var label: String
        public var calls = 0
        public var events: Int64 = 0
        public var seconds = 0.0
        public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
        public var callLatencies = Latencies()
        /// With watchers: commit-to-delivery lag of every delivered event, in milliseconds.
        public var watchLag: MillisecondHistogram?
        public var watchers = 0
        public var eventsDelivered: Int64 = 0
    }

    public let endpoint: RPCEndpoint
    public let cluster: ClusterGenerator
    public let settings: Settings

    public init(endpoint: RPCEndpoint, cluster: ClusterGenerator, settings: Settings) {
        self.endpoint = endpoint
        self.cluster = cluster
        self.settings = settings
    }

    /// Round 0: every pod, observed for the first time.
    public func loadCluster() async throws -> Phase {
        try await ingest(label: "initial pods (round 0)", rounds: 0..<1, watchers: 0)
    }

    /// `rounds`: changed pods and every pod's usage, each round; with `watchers` Watch calls
    /// following the log from the head during it, each measuring how long after its commit each
    /// event arrives.
    public func ingest(label: String, rounds: Range<Int>, watchers: Int) async throws -> Phase {
        let perConnection = (0..<settings.connections).map { requests(connection: $0, rounds: rounds) }
        let clients = (0..<settings.connections).map { _ in StoreClient(endpoint: endpoint, peerName: "vpa-store bench ingest") }
        for client in clients { _ = try await client.health() }
        defer { for client in clients { Task { await client.close() } } }
        var phase = Phase(label: label)
        phase.watchers = watchers

        let startHead = try await clients[0].serverInfo().headPosition
        let finalHead = FinalHead()
        let watchClients = (0..<watchers).map { _ in StoreClient(endpoint: endpoint, peerName: "vpa-store bench watch") }
        defer { for client in watchClients { Task { await client.close() } } }
        for client in watchClients { _ = try await client.health() }

        let started = ContinuousClock.now
        let (latencies, events, calls, lag, delivered) = try await withThrowingTaskGroup(
            of: (Latencies, Int64, Int, MillisecondHistogram, Int64).self) { group in
            for client in watchClients {
                group.addTask {
                    let (lag, delivered) = try await Self.follow(client, from: startHead + 1, until: finalHead)
                    return (Latencies(), 0, 0, lag, delivered)
                }
            }
            // The writers run in a child group, so the watchers learn the final head once every write is done.
            group.addTask {
                let result = try await withThrowingTaskGroup(of: (Latencies, Int64, Int, Int64).self) { writers in
                    for (client, calls) in zip(clients, perConnection) {
                        writers.addTask {
                            var latencies = Latencies()
                            var events: Int64 = 0
                            var head: Int64 = 0
                            for request in calls {
                                let begin = ContinuousClock.now
                                let answer = try await client.ingest(request, timeout: .seconds(120))
                                latencies.record(.now - begin)
                                events += Int64(answer.summary.eventsAppended)
                                head = max(head, answer.headPosition)
                            }
                            return (latencies, events, calls.count, head)
                        }
                    }
                    var all = (Latencies(), Int64(0), 0, Int64(0))
                    for try await part in writers {
                        all.0.merge(part.0)
                        all.1 += part.1
                        all.2 += part.2
                        all.3 = max(all.3, part.3)
                    }
                    return all
                }
                finalHead.set(result.3)
                return (result.0, result.1, result.2, MillisecondHistogram(), 0)
            }
            var total = (Latencies(), Int64(0), 0, MillisecondHistogram(), Int64(0))
            for try await part in group {
                total.0.merge(part.0)
                total.1 += part.1
                total.2 += part.2
                total.3.merge(part.3)
                total.4 += part.4
            }
            return total
        }
        phase.seconds = (ContinuousClock.now - started).seconds
        phase.callLatencies = latencies
        phase.events = events
        phase.calls = calls
        if watchers > 0 {
            phase.watchLag = lag
            phase.eventsDelivered = delivered
        }
        return phase
    }

    /// The Ingest calls of one connection for `rounds`, in order.
    func requests(connection: Int, rounds: Range<Int>) -> [IngestRequest] {
        var requests: [IngestRequest] = []
        let mine = stride(from: connection, to: cluster.pods, by: settings.connections)
        for round in rounds {
            let at = cluster.time(ofRound: round)
            var batch: [Observation] = []
            func flush() {
                if !batch.isEmpty { requests.append(IngestRequest(observedAt: at, observations: batch)) }
                batch.removeAll(keepingCapacity: true)
            }
            for index in mine where cluster.changes(index, inRound: round) {
                batch.append(.pod(cluster.pod(index, round: round)))
                if batch.count == settings.batchSize { flush() }
            }
            flush()
            guard round > 0 else { continue }
            for index in mine {
                batch.append(.usage(cluster.usage(index, round: round)))
                if batch.count == settings.batchSize { flush() }
            }
            flush()
        }
        return requests
    }

    /// Follows the log from `position` until the writers are done and the final head has arrived;
    /// records each event's lag from its commit (the store's `recorded_at`) to its arrival here.
    /// Reads only positions and commit times (`watchTimes`), so the figure is the server's and the
    /// wire's delivery, not this process decoding 16 copies of every body on the same 2 cores.
    static func follow(_ client: StoreClient, from position: Int64, until finalHead: FinalHead)
        async throws -> (MillisecondHistogram, Int64) {
        var lag = MillisecondHistogram()
        var delivered: Int64 = 0
        for try await page in client.watchTimes(WatchRequest(fromPosition: position, progressIntervalMilliseconds: 100)) {
            let now = Timestamp.now.unixMilliseconds
            for recordedAt in page.recordedAt { lag.record(now - recordedAt) }
            delivered += Int64(page.positions.count)
            if let head = finalHead.value, page.nextPosition > head { break }
        }
        return (lag, delivered)
    }
}

/// The head once every writer is done; nil before.
final class FinalHead: Sendable {
    private let head = Mutex<Int64?>(nil)
    var value: Int64? { head.withLock { $0 } }
    func set(_ value: Int64) { head.withLock { $0 = value } }
}

/// Counts of millisecond values, for percentiles of many samples without keeping each.
public struct MillisecondHistogram: Sendable {
    private var counts = [Int64](repeating: 0, count: 60_001)
    public private(set) var total: Int64 = 0

    public init() {}

    mutating func record(_ milliseconds: Int64) {
        counts[Int(min(max(milliseconds, 0), 60_000))] += 1
        total += 1
    }

    mutating func merge(_ other: MillisecondHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        total += other.total
    }

    /// The `fraction` percentile in milliseconds (values above a minute count as 60,000).
    public func percentile(_ fraction: Double) -> Int {
        guard total > 0 else { return 0 }
        let rank = Int64((fraction * Double(total)).rounded(.up))
        var seen: Int64 = 0
        for (milliseconds, count) in counts.enumerated() {
            seen += count
            if seen >= rank { return milliseconds }
        }
        return counts.count - 1
    }
}
