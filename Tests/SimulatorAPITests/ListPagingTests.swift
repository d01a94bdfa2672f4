import Foundation
import KubernetesJSON
import SimulatorAPI
import SimulatedClusterSupport
import Testing
import VPAModel

@Suite("Lists page with limit and continue")
struct ListPagingTests {
    @Test("Paging returns every pod exactly once, as of the first page, while pods change between pages")
    func everyPodOnce() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            await server.putPods(bulkPods(3000))
            for index in stride(from: 0, to: 3000, by: 3) { await server.deletePod(namespace: "bulk", name: bulkPods(1, from: index)[0].name) }
            let expected = Set(await server.pods.map { "\($0.namespace)/\($0.name)" })
            #expect(expected.count == 2002)

            var names: [String] = []
            var versions: Set<String> = []
            var token: String?
            var pages = 0
            repeat {
                let path = "/api/v1/pods?limit=500" + (token.map { "&continue=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? "")
                let response = try await client.get(path)
                #expect(response.status == 200)
                let json = try response.json
                versions.insert(try #require(field(json, "metadata", "resourceVersion") as? String))
                for item in (json["items"] as? [any Sendable]) ?? [] {
                    names.append("\(field(item, "metadata", "namespace") as? String ?? "")/\(field(item, "metadata", "name") as? String ?? "")")
                }
                token = field(json, "metadata", "continue") as? String
                if token != nil { #expect(field(json, "metadata", "remainingItemCount") as? Int64 == Int64(expected.count - names.count)) }
                pages += 1
                // Changes after the first page do not show in the later ones.
                await server.putPods(bulkPods(2, from: 5000 + pages * 2))
                await server.deletePod(namespace: "bulk", name: "pod-02999")
            } while token != nil && pages < 20
            #expect(pages == 5)
            #expect(versions.count == 1)
            #expect(names.count == Set(names).count)
            #expect(Set(names) == expected)
        }
    }

    @Test("A namespaced list pages too, and lists only its namespace")
    func namespaced() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            await server.putPods(bulkPods(25))
            let first = try await client.get("/api/v1/namespaces/bulk/pods?limit=10").json
            #expect((first["items"] as? [any Sendable])?.count == 10)
            let token = try #require(field(first, "metadata", "continue") as? String)
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
            let second = try await client.get("/api/v1/namespaces/bulk/pods?limit=100&continue=\(encoded)").json
            #expect((second["items"] as? [any Sendable])?.count == 15)
            #expect(field(second, "metadata", "continue") == nil)
            let shop = try await client.get("/api/v1/namespaces/shop/pods").json
            #expect((shop["items"] as? [any Sendable])?.count == 2)
        }
    }

    @Test("A continue token older than the history answers 410 Expired")
    func expiredContinue() async throws {
        try await withSimulatedAPI(scenario: smallScenario(), configure: { $0.historyLimit = 50 }) { server, client, _ in
            await server.putPods(bulkPods(20))
            let first = try await client.get("/api/v1/pods?limit=5").json
            let token = try #require(field(first, "metadata", "continue") as? String)
            await server.putPods(bulkPods(100, from: 100))
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
            let response = try await client.get("/api/v1/pods?limit=5&continue=\(encoded)")
            #expect(response.status == 410)
            let status = try response.json
            #expect(status["kind"] as? String == "Status")
            #expect(status["reason"] as? String == "Expired")
            #expect(status["code"] as? Int64 == 410)
            let garbage = try await client.get("/api/v1/pods?limit=5&continue=bm90LWEtdG9rZW4")
            #expect(garbage.status == 400)
        }
    }
}
