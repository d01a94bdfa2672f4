import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Concurrent Ingest calls share commits, and each still gets its own answer.
@Suite struct GroupCommitServerTests {
    @Test func concurrentIngestsShareCommitsAndEachIsAnsweredForItself() async throws {
        try await withServer({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) }) { (server: TestServer) async throws in
            let clients = (0..<4).map { _ in server.client() }
            let calls = 100
            let answers = try await withThrowingTaskGroup(of: (Int, IngestResponse).self) { group in
                for index in 0..<calls {
                    let client = clients[index % clients.count]
                    group.addTask {
                        (index, try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
                            .pod(Pods.pod("web-\(index)", status: false)),
                        ])))
                    }
                }
                var answers: [Int: IngestResponse] = [:]
                for try await (index, answer) in group { answers[index] = answer }
                return answers
            }
            #expect(answers.count == calls)
            #expect(answers.values.allSatisfy { $0.summary.podsObserved == 1 && $0.summary.eventsAppended == 1 && !$0.replayed })
            let head = try await clients[0].serverInfo().headPosition
            #expect(head == Int64(calls))
            #expect(answers.values.allSatisfy { $0.headPosition <= head })
            #expect(try await clients[0].allPods(now: minute(1)).count == calls)

            let port = try #require(server.server.metricsAddress?.port)
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("vpa_store_ingest_committed_calls_total \(calls)"), "\(text)")
            let commits = text.split(separator: "\n").first { $0.hasPrefix("vpa_store_ingest_commits_total ") }
                .flatMap { Int($0.split(separator: " ").last ?? "") }
            // 100 calls in flight at once: while one commit syncs, the calls behind it queue and
            // are committed together.
            #expect(commits.map { $0 < calls } == true, "commits: \(commits.map(String.init) ?? "missing")")
            for client in clients { await client.close() }
        }
    }
}
