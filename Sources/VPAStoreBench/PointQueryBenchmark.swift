import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// The unary-call figures of the RPC layer: one pod's actual resources (GetActualResources by
/// namespace and pod), at one call in flight, and with many in flight on one and on several
/// connections.
public struct PointQueryBenchmark: Sendable {
    public struct Settings: Sendable {
        public var pods: Int
        public var calls: Int
        public var inFlight: Int
        public var connections: Int

        public init(pods: Int = 2000, calls: Int = 20_000, inFlight: Int = 64, connections: Int = 4) {
            self.pods = pods
            self.calls = calls
            self.inFlight = inFlight
            self.connections = connections
        }
    }

    /// One line of the result table.
    public struct Row: Sendable {
        public var workload: String
        public var calls: Int
        public var seconds: Double
        public var latencies: Latencies

        public var callsPerSecond: Double { Double(calls) / seconds }
    }

    public let endpoint: RPCEndpoint
    public let settings: Settings

    public init(endpoint: RPCEndpoint, settings: Settings) {
        self.endpoint = endpoint
        self.settings = settings
    }

    /// The rows, and the bytes the server writes for one answer (its message and status frames
    /// with their length prefixes): the size the echo floor echoes.
    public func run() async throws -> (rows: [Row], answerBytes: Int) {
        var rows: [Row] = []
        let one = StoreClient(endpoint: endpoint, peerName: "vpa-store bench")
        _ = try await one.health()
        // Warm up the connection, the server's caches and the allocator.
        _ = try await sequential(one, calls: min(2000, settings.calls))
        let sample = try await one.actualResources(request(0))
        let answerBytes = 8 + FrameCodec.encode(Frame(callID: 1, .message(sample.encoded()))).count
            + FrameCodec.encode(Frame(callID: 1, .status(.ok))).count
        rows.append(try await sequential(one, calls: settings.calls))
        rows.append(try await concurrent([one], inFlight: settings.inFlight, label: "1 connection, \(settings.inFlight) in flight"))
        await one.close()
        let many = (0..<settings.connections).map { _ in StoreClient(endpoint: endpoint, peerName: "vpa-store bench") }
        for client in many { _ = try await client.health() }
        rows.append(try await concurrent(many, inFlight: settings.inFlight,
                                         label: "\(settings.connections) connections, \(settings.inFlight) in flight each"))
        for client in many { await client.close() }
        return (rows, answerBytes)
    }

    private func sequential(_ client: StoreClient, calls: Int) async throws -> Row {
        var latencies = Latencies()
        let started = ContinuousClock.now
        for index in 0..<calls {
            let begin = ContinuousClock.now
            let answer = try await client.actualResources(request(index))
            latencies.record(.now - begin)
            guard answer.containers.count == 2 else { throw BenchError("pod \(index % settings.pods) has \(answer.containers.count) containers") }
        }
        return Row(workload: "1 connection, 1 in flight", calls: calls, seconds: (ContinuousClock.now - started).seconds,
                   latencies: latencies)
    }

    private func concurrent(_ clients: [StoreClient], inFlight: Int, label: String) async throws -> Row {
        let total = settings.calls
        let workers = clients.count * inFlight
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for worker in 0..<workers {
                let client = clients[worker % clients.count]
                group.addTask {
                    var latencies = Latencies()
                    var index = worker
                    while index < total {
                        let begin = ContinuousClock.now
                        _ = try await client.actualResources(request(index))
                        latencies.record(.now - begin)
                        index += workers
                    }
                    return latencies
                }
            }
            var all = Latencies()
            for try await part in group { all.merge(part) }
            return all
        }
        return Row(workload: label, calls: total, seconds: (ContinuousClock.now - started).seconds, latencies: latencies)
    }

    private func request(_ index: Int) -> ActualResourcesRequest {
        let pod = (index &* 7919) % settings.pods
        return ActualResourcesRequest(namespace: ClusterGenerator.namespace(of: pod), pod: ClusterGenerator.name(of: pod))
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
