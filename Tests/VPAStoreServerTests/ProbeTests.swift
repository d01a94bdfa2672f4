import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
import OperationsHTTP
import StoreRPC
import Testing
import VPAStoreServer
import VPAStoreTestSupport

/// Issue 10, item 2: `/healthz` and `/readyz` beside `/metrics` on the server's HTTP listener.
@Suite struct ProbeTests {
    @Test func healthzAndReadyzAnswerOnTheMetricsListener() async throws {
        try await withServer({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) }) { (server: TestServer) async throws in
            let port = try #require(server.server.metricsAddress?.port)
            let live = try await HTTP.get(port: port, path: "/healthz")
            #expect(live.status == 200 && live.body == "ok\n")
            let ready = try await HTTP.get(port: port, path: "/readyz")
            #expect(ready.status == 200)
            #expect(ready.body.hasPrefix("ok: serving, head position "), "\(ready.body)")
            // A query string is not part of the path (kubelet probes never send one, scrapers may).
            #expect(try await HTTP.get(port: port, path: "/readyz?verbose").status == 200)
        }
    }

    @Test func headAnswersWithoutABodyAndOtherPathsAndMethodsAreRefused() async throws {
        try await withServer({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) }) { (server: TestServer) async throws in
            let port = try #require(server.server.metricsAddress?.port)
            let head = try await HTTP.get(port: port, path: "/metrics", method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty)
            let missing = try await HTTP.get(port: port, path: "/livez")
            #expect(missing.status == 404)
            #expect(missing.body.contains("/metrics, /healthz, /readyz"), "\(missing.body)")
            #expect(try await HTTP.get(port: port, path: "/readyz", method: "POST").status == 405)
        }
    }

    /// A draining server takes no new work: readiness fails as soon as the shutdown begins, so a
    /// Service stops routing to it, while liveness still holds (restarting it would lose the grace).
    ///
    /// And a probe after the server stopped answers at once: it used to await the store's actor on
    /// a thread already shut down, and waited forever (seen as this test hanging under load).
    @Test func readinessFailsOnceShutdownBeginsAndAnswersAfterTheStop() async throws {
        let server = try await TestServer.start({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) })
        defer { server.removeFiles() }
        let probes = server.server.probes
        #expect(await probes.readiness().healthy)
        server.server.shutdown()
        // Draining ("shutting down") or already done ("stopped"): never ready again.
        let failed = try await eventually { await !probes.readiness().healthy }
        #expect(failed)
        #expect(["shutting down", "stopped"].contains(await probes.readiness().detail))
        #expect(await probes.liveness().healthy)
        try await server.stop()
        for _ in 0..<50 { #expect(await probes.readiness() == .failing("stopped")) }
    }

    @Test func aProbeThatDoesNotAnswerInTimeFails() async throws {
        let endpoint = try await OperationsEndpoint.start(host: "127.0.0.1", port: 0, probes: HealthProbes(
            readiness: {
                try? await Task.sleep(for: .seconds(30))
                return .ok()
            }, timeout: .milliseconds(100)))
        let port = try #require(endpoint.localAddress?.port)
        let ready = try await HTTP.get(port: port, path: "/readyz")
        #expect(ready.status == 503)
        #expect(ready.body == "no answer within 0.1 seconds\n")
        // Without an exposition there is no /metrics.
        #expect(try await HTTP.get(port: port, path: "/metrics").status == 404)
        await endpoint.close()
    }
}

/// One HTTP request to 127.0.0.1 and its status and body.
enum HTTP {
    static func get(port: Int, path: String, method: String = "GET") async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
