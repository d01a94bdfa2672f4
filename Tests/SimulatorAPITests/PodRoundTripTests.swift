import Foundation
import NIOHTTP1
import KubernetesJSON
import Simulator
import SimulatorAPI
import SimulatedClusterSupport
import Testing
import VPAModel

@Suite("Pods are served as the model shows them")
struct PodRoundTripTests {
    private func pods(_ objects: [KubernetesObject]) -> [PodObservation] {
        objects.compactMap { if case .pod(let pod) = $0 { pod } else { nil } }
    }

    @Test("The Pod JSON served decodes with the project's decoder to exactly the model's pods")
    func listDecodesToTheModel() async throws {
        try await withSimulatedAPI { server, client, _ in
            // 45 minutes of the demo: completed, deferred, infeasible and stuck resizes, a memory-limit
            // decrease refused, OOM kills with their last state.
            for _ in 0..<45 { await server.advance(byMilliseconds: 60_000) }
            let response = try await client.get("/api/v1/pods")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "content-type") == "application/json")
            let served = pods(try KubernetesInput.decode(response.body, file: "pods"))
            let model = await server.simulation.podObservations.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            #expect(served == model)
            #expect(served.contains { $0.resizeConditions.contains { $0.type == PodCondition.resizePending && $0.reason == "Infeasible" } })
            #expect(served.contains { $0.resizeConditions.contains { $0.type == PodCondition.resizeInProgress } })
            #expect(served.contains { $0.containers.contains { $0.status?.lastState?.terminationReason == "OOMKilled" } })
        }
    }

    @Test("Each watch event carries the pod exactly as the model reported it in that step")
    func watchEventsDecodeToTheStepsObservations() async throws {
        try await withSimulatedAPI { server, client, _ in
            let start = await server.resourceVersion
            let watch = try await client.watch("/api/v1/pods?watch=true&resourceVersion=\(start)")
            var reported: [Observation] = []
            for _ in 0..<12 { reported += await server.advance(byMilliseconds: 60_000).observations }
            let expected = reported.filter { if case .pod = $0 { true } else if case .podDeleted = $0 { true } else { false } }
            #expect(!expected.isEmpty)
            #expect(await watch.wait { $0.count >= expected.count })
            var received: [Observation] = []
            for line in watch.lines {
                for object in try KubernetesInput.decode(Array(line.utf8), file: "watch") {
                    switch object {
                    case .pod(let pod): received.append(.pod(pod))
                    case .podDeleted(let pod): received.append(.podDeleted(pod))
                    default: Issue.record("unexpected object \(object)")
                    }
                }
            }
            #expect(received.count == expected.count)
            for (got, want) in zip(received, expected) {
                switch (got, want) {
                case (.pod(let a), .pod(let b)): #expect(a == b)
                case (.podDeleted(let a), .podDeleted(let b)): #expect(a.uid == b.uid && a.name == b.name)
                default: Issue.record("got \(got), expected \(want)")
                }
            }
            watch.cancel()
        }
    }

    @Test("Pods put directly are served with a UID, and resourceVersions grow by one per change")
    func directPods() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let before = await server.resourceVersion
            await server.putPods(bulkPods(3))
            #expect(await server.resourceVersion == before + 3)
            // The same pod again changes nothing.
            await server.putPods(bulkPods(1))
            #expect(await server.resourceVersion == before + 3)
            let response = try await client.get("/api/v1/namespaces/bulk/pods/pod-00001")
            #expect(response.status == 200)
            let pod = try #require(pods(try KubernetesInput.decode(response.body, file: "pod")).first)
            #expect(pod.uid != nil)
            #expect(field(try response.json, "metadata", "resourceVersion") as? String == String(before + 2))
        }
    }
}

/// A parsed JSON value written back as JSON text.
func jsonText(_ value: any Sendable) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: value)
    return String(decoding: data, as: UTF8.self)
}
