import Foundation
import NIOHTTP1
import SimulatorAPI
import SimulatedClusterSupport
import Testing

@Suite("Authentication, discovery and the kubeconfig")
struct AuthAndDiscoveryTests {
    @Test("A request without the bearer token, or with another one, answers 401 with a Status")
    func unauthorized() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { _, client, _ in
            for token in ["", "not-the-token"] {
                let response = try await client.send(.GET, "/api/v1/pods", token: token)
                #expect(response.status == 401)
                let status = try response.json
                #expect(status["kind"] as? String == "Status")
                #expect(status["reason"] as? String == "Unauthorized")
                #expect(status["code"] as? Int64 == 401)
            }
            #expect(try await client.send(.POST, "/simulator/faults", body: "{}", token: "x").status == 401)
        }
    }

    @Test("Discovery lists the core resources and subresources, the groups, and the VPA with its short name")
    func discovery() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let core = try await client.get("/api/v1").json
            let names = ((core["resources"] as? [any Sendable]) ?? []).compactMap { field($0, "name") as? String }
            for name in ["pods", "pods/resize", "pods/eviction", "pods/status", "events", "limitranges"] {
                #expect(names.contains(name), "missing \(name)")
            }
            #expect(field(try await client.get("/api").json, "versions", "0") as? String == "v1")
            let groups = ((try await client.get("/apis").json["groups"] as? [any Sendable]) ?? []).compactMap { field($0, "name") as? String }
            #expect(Set(["autoscaling.k8s.io", "metrics.k8s.io", "coordination.k8s.io"]).isSubset(of: Set(groups)))
            let vpa = try await client.get("/apis/autoscaling.k8s.io/v1").json
            let resources = (vpa["resources"] as? [any Sendable]) ?? []
            #expect(resources.contains { field($0, "name") as? String == "verticalpodautoscalers" && field($0, "shortNames", "0") as? String == "vpa" })
            #expect(resources.contains { field($0, "name") as? String == "verticalpodautoscalers/status" })
            let metrics = ((try await client.get("/apis/metrics.k8s.io/v1beta1").json["resources"] as? [any Sendable]) ?? []).compactMap { field($0, "name") as? String }
            #expect(metrics == ["pods", "nodes"])
            #expect(try await client.get("/apis/coordination.k8s.io/v1").status == 200)
            #expect(field(try await client.get("/version").json, "minor") as? String == "33")
            #expect(try await client.get("/apis/example.com/v1").status == 404)
            #expect(try await client.get("/api/v1/namespaces/shop/widgets").status == 404)
            #expect(server.serverURL == "https://127.0.0.1:\(server.port)")
        }
    }

    @Test("The kubeconfig names the server, its CA and the token, in one selected context, readable by its owner only")
    func kubeconfig() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, _, directory in
            let text = try String(contentsOfFile: server.kubeconfigPath, encoding: .utf8)
            #expect(server.kubeconfigPath == directory + "/kubeconfig")
            #expect(text.contains("server: \(server.serverURL)\n"))
            #expect(text.contains("token: \(server.token)\n"))
            #expect(text.contains("current-context: vpa-store-simulator\n"))
            #expect(text.contains("certificate-authority-data: \(Data(server.certificateAuthorityPEM.utf8).base64EncodedString())\n"))
            #expect(server.token.count == 64)
            let attributes = try FileManager.default.attributesOfItem(atPath: server.kubeconfigPath)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }
}
