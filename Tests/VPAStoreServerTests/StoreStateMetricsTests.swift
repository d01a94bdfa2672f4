import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
@testable import OperationsHTTP
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Issue 15, item 2: what an operator alerts on, read from a real server's /metrics over HTTP.
@Suite struct StoreStateMetricsTests {
    static func scrape(_ server: TestServer) async throws -> Exposition {
        let port = try #require(server.server.metricsAddress?.port)
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: "http://127.0.0.1:\(port)/metrics")))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        return Exposition(String(decoding: data, as: UTF8.self))
    }

    /// Pods by resize state and the timed-out ones, judged at the scrape against the server's
    /// timeouts; the last Ingest's time; the file's bytes; and every family documented.
    @Test func podsByResizeStateTimedOutResizesLastIngestAndDatabaseBytes() async throws {
        try await withServer({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) }) { (server: TestServer) async throws in
            let before = try await Self.scrape(server)
            #expect(before.value("vpa_store_last_ingest_timestamp_seconds") == 0, "no Ingest yet")
            #expect(before.value("vpa_store_pods", ["resize_state": "none"]) == 0)

            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
                .pod(Pods.pod("web-0")), .pod(Pods.pod("web-1")), .pod(Pods.pod("web-2")),
            ]))
            // web-0 deferred since a month ago (past the 5-minute timeout); web-1 in progress since
            // now (inside the hour); web-2 unchanged.
            _ = try await client.ingest(IngestRequest(observedAt: minute(1), observations: [
                .pod(Pods.pod("web-0", cpu: 900, conditions: Pods.deferred)),
            ]))
            let sent = Date().timeIntervalSince1970
            _ = try await client.ingest(IngestRequest(observedAt: .now, observations: [
                .pod(Pods.pod("web-1", cpu: 900, conditions: [PodCondition(type: PodCondition.resizeInProgress)])),
            ]))
            let after = try await Self.scrape(server)
            #expect(after.value("vpa_store_pods", ["resize_state": "none"]) == 1)
            #expect(after.value("vpa_store_pods", ["resize_state": "pending_deferred"]) == 1)
            #expect(after.value("vpa_store_pods", ["resize_state": "in_progress"]) == 1)
            #expect(after.value("vpa_store_pods", ["resize_state": "completed"]) == 0)
            #expect(after.value("vpa_store_resizes_timed_out", ["resize_state": "pending_deferred"]) == 1)
            #expect(after.value("vpa_store_resizes_timed_out", ["resize_state": "in_progress"]) == 0)
            // Set from the commit's own clock, read here from the machine's: the same second or so.
            let lastIngest = try #require(after.value("vpa_store_last_ingest_timestamp_seconds"))
            #expect(abs(lastIngest - sent) < 30, "last ingest \(lastIngest), sent at \(sent)")

            let path = server.configuration.databasePath
            let walBytes = try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
            #expect(after.value("vpa_store_database_wal_bytes") == Double(walBytes))
            let databaseBytes = try #require(after.value("vpa_store_database_bytes"))
            #expect(databaseBytes >= 4096 && databaseBytes.truncatingRemainder(dividingBy: 4096) == 0, "\(databaseBytes)")
            #expect(after.value("vpa_store_database_free_bytes").map { $0 >= 0 && $0 < databaseBytes } == true)

            #expect(after.problems == [], "\(after.problems)")
            await client.close()
        }
    }

    /// `vpa_store_build_info` and the `process_*` families, read from /proc for this test's own process.
    @Test func buildInfoAndProcessMetrics() async throws {
        try await withServer({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) }) { (server: TestServer) async throws in
            let first = try await Self.scrape(server)
            #expect(first.value("vpa_store_build_info", ["version": VPAStoreVersion.current]) == 1)
            let start = try #require(first.value("process_start_time_seconds"))
            let now = Date().timeIntervalSince1970
            #expect(start > 1_700_000_000 && start <= now + 1, "start \(start), now \(now)")
            #expect(try #require(first.value("process_resident_memory_bytes")) > 1_048_576)
            #expect(try #require(first.value("process_virtual_memory_bytes")) >= first.value("process_resident_memory_bytes") ?? 0)
            #expect(try #require(first.value("process_max_fds")) >= 64)
            let cpu = try #require(first.value("process_cpu_seconds_total"))
            #expect(cpu > 0)

            // CPU spent on this thread shows at the next scrape.
            var spin: UInt64 = 0
            let until = Date().addingTimeInterval(0.3)
            while Date() < until { spin &+= 1 }
            let second = try await Self.scrape(server)
            #expect(try #require(second.value("process_cpu_seconds_total")) > cpu, "spun \(spin) times")
            let descriptors = try #require(second.value("process_open_fds"))
            #expect(descriptors >= 3 && descriptors <= second.value("process_max_fds") ?? 0)
            #expect(second.problems == [], "\(second.problems)")
        }
    }

    /// `/proc/self/stat` read as proc(5) lays it out: the fields after the command name, which may
    /// hold spaces and parentheses.
    @Test func processFiguresFromProcStat() throws {
        let stat = "4242 (vpa (store) x) S 1 4242 4242 0 -1 4194560 1 0 0 0 250 150 0 0 20 0 7 0 123400 987654321 2500 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let system = "cpu  1 2 3 4\nbtime 1764800000\nprocesses 99\n"
        let sample = try #require(ProcessSample.parse(stat: stat, system: system, ticksPerSecond: 100, pageSize: 4096))
        #expect(sample.cpuSeconds == 4.0)  // (250 + 150) ticks
        #expect(sample.startTimeSeconds == 1_764_800_000 + 1234)  // btime + 123400 ticks
        #expect(sample.virtualBytes == 987_654_321)
        #expect(sample.residentBytes == 2500 * 4096)
        #expect(ProcessSample.parse(stat: "4242 (truncated", system: system, ticksPerSecond: 100, pageSize: 4096) == nil)
    }
}
