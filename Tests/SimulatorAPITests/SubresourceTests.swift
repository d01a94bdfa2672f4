import Foundation
import NIOHTTP1
import KubernetesJSON
import Simulator
import SimulatorAPI
import SimulatedClusterSupport
import Testing
import VPAModel

@Suite("Resize, eviction and VPA status")
struct SubresourceTests {
    private func pod(_ client: APITestClient, _ name: String) async throws -> PodObservation {
        let response = try await client.get("/api/v1/namespaces/shop/pods/\(name)")
        #expect(response.status == 200)
        guard case .pod(let pod)? = try KubernetesInput.decode(response.body, file: name).first else {
            throw JSONShapeError(text: "not a pod")
        }
        return pod
    }

    @Test("A strategic-merge resize changes the spec at once; the kubelet enacts it in the following steps")
    func strategicResize() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let name = try #require(await server.pods.first?.name)
            let response = try await client.send(.PATCH, "/api/v1/namespaces/shop/pods/\(name)/resize",
                                                 body: #"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"300m"}}}]}}"#,
                                                 contentType: "application/strategic-merge-patch+json")
            #expect(response.status == 200)
            guard case .pod(let patched)? = try KubernetesInput.decode(response.body, file: "patch").first else {
                Issue.record("the answer is not a Pod")
                return
            }
            let container = try #require(patched.containers.first)
            #expect(container.desired.requests == ResourceList(cpuMillicores: 300, memoryBytes: 256 << 20))
            #expect(container.desired.limits.cpuMillicores == 400)
            #expect(container.status?.resources?.requests.cpuMillicores == 200)
            #expect(patched.generation == 2)

            await server.advance(byMilliseconds: 1000)
            let inProgress = try await pod(client, name)
            #expect(inProgress.resizeConditions.map(\.type) == [PodCondition.resizeInProgress])
            await server.advance(byMilliseconds: 3000)
            let done = try await pod(client, name)
            #expect(done.resizeConditions.isEmpty)
            #expect(done.containers.first?.status?.resources?.requests.cpuMillicores == 300)
            #expect(await server.simulation.counters.resizesCompleted == 1)
        }
    }

    @Test("A merge-patch resize works too; a bad one answers 422 and a missing pod 404, as Status objects")
    func mergeResizeAndErrors() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let name = try #require(await server.pods.first?.name)
            let path = "/api/v1/namespaces/shop/pods/\(name)/resize"
            let merged = try await client.send(.PATCH, path, body: #"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"cpu":"400m","memory":"640Mi"}}}]}}"#,
                                               contentType: "application/merge-patch+json")
            #expect(merged.status == 200)
            #expect(try await pod(client, name).containers.first?.desired.limits.memoryBytes == 640 << 20)

            let aboveLimit = try await client.send(.PATCH, path, body: #"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"2"}}}]}}"#,
                                                   contentType: "application/strategic-merge-patch+json")
            #expect(aboveLimit.status == 422)
            #expect(try aboveLimit.json["reason"] as? String == "Invalid")
            #expect((try aboveLimit.json["message"] as? String)?.contains("must be less than or equal to cpu limit of 400m") == true)

            let missing = try await client.send(.PATCH, "/api/v1/namespaces/shop/pods/nope/resize",
                                                body: #"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"300m"}}}]}}"#,
                                                contentType: "application/strategic-merge-patch+json")
            #expect(missing.status == 404)
            #expect(try missing.json["message"] as? String == #"pods "nope" not found"#)
            #expect(try missing.json["reason"] as? String == "NotFound")

            // A JSON patch (RFC 6902), as upstream's updater and `kubectl patch --type json` send it.
            let jsonPatch = try await client.send(.PATCH, path, body: #"[{"op":"add","path":"/spec/containers/0/resources/requests/cpu","value":"350m"}]"#,
                                                  contentType: "application/json-patch+json")
            #expect(jsonPatch.status == 200)
            #expect(try await pod(client, name).containers.first?.desired.requests.cpuMillicores == 350)
            let badPointer = try await client.send(.PATCH, path, body: #"[{"op":"replace","path":"/spec/containers/7/resources","value":{}}]"#,
                                                   contentType: "application/json-patch+json")
            #expect(badPointer.status == 422)

            let wrongType = try await client.send(.PATCH, path, body: "{}", contentType: "application/apply-patch+yaml")
            #expect(wrongType.status == 415)
        }
    }

    @Test("An eviction answers 201 Success and deletes the pod; its replacement starts with the VPA status's recommendation")
    func evictionAndAdmission() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let status = #"{"status":{"recommendation":{"containerRecommendations":[{"containerName":"app","target":{"cpu":"321m","memory":"300Mi"},"lowerBound":{"cpu":"100m","memory":"200Mi"},"upperBound":{"cpu":"1","memory":"1Gi"},"uncappedTarget":{"cpu":"321m","memory":"300Mi"}}]},"conditions":[{"type":"RecommendationProvided","status":"True"}]}}"#
            let written = try await client.send(.PATCH, "/apis/autoscaling.k8s.io/v1/namespaces/shop/verticalpodautoscalers/web/status",
                                                body: status, contentType: "application/merge-patch+json")
            #expect(written.status == 200)
            #expect(field(try written.json, "status", "recommendation", "containerRecommendations", "0", "target", "cpu") as? String == "321m")
            let vpa = try await client.get("/apis/autoscaling.k8s.io/v1/namespaces/shop/verticalpodautoscalers/web").json
            #expect(field(vpa, "status", "conditions", "0", "type") as? String == "RecommendationProvided")

            let victim = try #require(await server.pods.first)
            let eviction = try await client.send(.POST, "/api/v1/namespaces/shop/pods/\(victim.name)/eviction",
                                                 body: #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"\#(victim.name)","namespace":"shop"}}"#)
            #expect(eviction.status == 201)
            #expect(try eviction.json["status"] as? String == "Success")
            #expect(try await client.get("/api/v1/namespaces/shop/pods/\(victim.name)").status == 404)

            await server.advance(byMilliseconds: 1000)
            let pods = await server.pods
            #expect(pods.count == 2)
            let replacement = try #require(pods.first { $0.uid != victim.uid && !$0.name.isEmpty && $0.name != victim.name })
            let requests = replacement.containers.first?.desired.requests
            #expect(requests == ResourceList(cpuMillicores: 321, memoryBytes: 300 << 20))
            // Limits keep their proportion to the requests (upstream's admission controller).
            #expect(replacement.containers.first?.desired.limits.cpuMillicores == 642)
            #expect(await server.simulation.counters.podsEvicted == 1)
        }
    }

    @Test("While evictions are refused they answer 429 TooManyRequests, as a PodDisruptionBudget refusal does")
    func refusedEviction() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let victim = try #require(await server.pods.first)
            let body = try await client.send(.POST, "/simulator/faults", body: SimulatorFault.refuseEvictions(true).requestBody)
            #expect(body.status == 200)
            let refused = try await client.send(.POST, "/api/v1/namespaces/shop/pods/\(victim.name)/eviction",
                                                body: #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"\#(victim.name)"}}"#)
            #expect(refused.status == 429)
            #expect(try refused.json["reason"] as? String == "TooManyRequests")
            #expect(field(try refused.json, "details", "causes", "0", "reason") as? String == "DisruptionBudget")
            #expect(await server.pods.count == 2)
            await server.inject(.refuseEvictions(false))
            let missing = try await client.send(.POST, "/api/v1/namespaces/shop/pods/nope/eviction", body: "{}")
            #expect(missing.status == 404)
            #expect(try await client.send(.POST, "/api/v1/namespaces/shop/pods/\(victim.name)/eviction", body: "{}").status == 201)
        }
    }

    @Test("A VPA status PUT with a stale resourceVersion is a 409 Conflict; the VPA list decodes to the model's VPAs")
    func vpaStatusPut() async throws {
        try await withSimulatedAPI { server, client, _ in
            let list = try await client.get("/apis/autoscaling.k8s.io/v1/verticalpodautoscalers")
            let vpas = try KubernetesInput.decode(list.body, file: "vpas").compactMap { if case .vpa(let vpa) = $0 { vpa } else { nil } }
            let model = await server.simulation.vpaObservations.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            #expect(vpas == model)

            let path = "/apis/autoscaling.k8s.io/v1/namespaces/shop/verticalpodautoscalers/web/status"
            let current = try await client.get(path).json
            let version = try #require(field(current, "metadata", "resourceVersion") as? String)
            let body = #"{"apiVersion":"autoscaling.k8s.io/v1","kind":"VerticalPodAutoscaler","metadata":{"name":"web","namespace":"shop","resourceVersion":"\#(version)"},"status":{"conditions":[{"type":"RecommendationProvided","status":"False"}]}}"#
            #expect(try await client.send(.PUT, path, body: body).status == 200)
            let stale = try await client.send(.PUT, path, body: body)
            #expect(stale.status == 409)
            #expect(try stale.json["reason"] as? String == "Conflict")
        }
    }

    @Test("PodMetrics list the latest usage of each pod, and decode to the model's samples")
    func podMetrics() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let output = await server.advance(byMilliseconds: 10_000)
            let samples = output.observations.compactMap { if case .usage(let usage) = $0 { usage } else { nil } }
            #expect(samples.count == 2)
            let response = try await client.get("/apis/metrics.k8s.io/v1beta1/pods")
            let served = try KubernetesInput.decode(response.body, file: "metrics").compactMap { if case .usage(let usage) = $0 { usage } else { nil } }
            #expect(Set(served) == Set(samples))
            let namespaced = try await client.get("/apis/metrics.k8s.io/v1beta1/namespaces/other/pods").json
            #expect((namespaced["items"] as? [any Sendable])?.isEmpty == true)
            #expect(try await client.get("/apis/metrics.k8s.io/v1beta1/nodes").status == 200)
        }
    }
}
