import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VPAStoreTestSupport

/// Issue 10, item 2: `vpa-updater --metrics-listen` (and the recommender, which shares the code in
/// DaemonSupport) as the kubelet probes it: ready while the store answers, not ready once it is
/// gone, alive throughout (restarting the updater would not bring the store back).
struct DaemonProbeProcessTests {
    @Test func theUpdatersReadinessFollowsTheStoreAndItsLivenessTheLoop() async throws {
        let workspace = Workspace()
        let runner = workspace.runner
        let store = try FeedProcessTests.Child(runner, ["serve", "--listen", "127.0.0.1:0", "--log-level", "warning"])
        let listening = try await offPool { try store.line(startingWith: "listening on ") }
        let address = String(listening.dropFirst("listening on ".count).prefix { $0 != "," })
        let updater = try FeedProcessTests.Child(runner, ["--server", address, "--interval", "1s", "--metrics-listen", "127.0.0.1:0",
                                                          "--log-level", "critical"],
                                                 executable: try CommandRunner.binary(named: "vpa-updater"))
        // "probes at http://127.0.0.1:PORT/healthz and /readyz"
        let probesLine = try await offPool { try updater.line(startingWith: "probes at ") }
        let base = String(probesLine.dropFirst("probes at ".count).prefix { $0 != " " }.dropLast("/healthz".count))

        let ready = try await Self.get(base + "/readyz")
        #expect(ready.status == 200 && ready.body.hasPrefix("ok: the store answers"), "\(ready)")
        #expect(try await Self.get(base + "/healthz") == (200, "ok\n"))

        kill(store.process.processIdentifier, SIGKILL)
        try await offPool { store.process.waitUntilExit() }
        let gone = try await Self.get(base + "/readyz")
        #expect(gone.status == 503 && gone.body.hasPrefix("the store does not answer"), "\(gone)")
        #expect(try await Self.get(base + "/healthz").status == 200)
        #expect(try await offPool { updater.stop() } == 0)
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
