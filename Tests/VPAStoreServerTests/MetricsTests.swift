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

@Suite struct MetricsTests {
    @Test func metricsCountReadsBySourceAppendsCallsAndConnections() async throws {
        try await withServer({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) }) { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
                .pod(Pods.pod("web-0")), .pod(Pods.pod("web-1", status: false)),
            ]))
            _ = try await client.actualResources()
            _ = try? await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "ghost")))
            let port = try #require(server.server.metricsAddress?.port)
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let text = String(decoding: data, as: UTF8.self)
            for line in [
                #"vpa_store_actual_resources_reads_total{source="status"} 1"#,
                #"vpa_store_actual_resources_reads_total{source="spec_fallback"} 1"#,
                #"vpa_store_events_appended_total{type="PodObserved"} 2"#,
                #"vpa_store_events_appended_total{type="InPlaceModeChanged"} 1"#,
                #"vpa_store_rpc_calls_total{method="Ingest",code="OK"} 1"#,
                #"vpa_store_rpc_calls_total{method="GetResizeState",code="NOT_FOUND"} 1"#,
                #"vpa_store_rpc_duration_seconds_count{method="GetActualResources"} 1"#,
                "vpa_store_rpc_open_connections 1",
                "vpa_store_watchers 0",
                "vpa_store_head_position 3",
            ] {
                #expect(text.contains(line), "missing: \(line)")
            }
            await client.close()
        }
    }
}
