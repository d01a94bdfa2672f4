import Foundation
import KubernetesAPI
import SimulatedClusterSupport
import SimulatorAPI
import StoreAPI
import StoreWire
import Testing
import UpdaterRunner
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// `--actuate api` against the simulated cluster's Kubernetes API over HTTPS.
@Suite struct SimulatedAPIActuationTests {
    static let target = ResizeRequest.Target(container: "app", resources: ResourceRequirements(
        requests: ResourceList(cpuMillicores: 300, memoryBytes: 300 * mebibyte),
        limits: ResourceList(cpuMillicores: 600, memoryBytes: 600 * mebibyte)))

    /// The resize changes the pod's spec and the simulated kubelet applies it; the eviction removes
    /// the pod; a refused eviction (a disruption budget) is told as such.
    @Test func resizeAndEvictionChangeTheSimulatedPods() async throws {
        try await withSimulatedAPI { server, client in
            let pods = await server.pods
            try #require(pods.count == 2)
            let actuator = APIActuator(api: client)

            try await actuator.resize(pods[0], targets: [Self.target])
            var resized = await server.pods.first { $0.name == pods[0].name }
            #expect(resized?.containers.first?.desired == Self.target.resources)
            await server.advance(byMilliseconds: 3000)
            resized = await server.pods.first { $0.name == pods[0].name }
            #expect(resized?.containers.first?.status?.resources == Self.target.resources)

            await server.inject(.refuseEvictions(true))
            await #expect(throws: ActuationError.self) { try await actuator.evict(pods[1]) }
            do {
                try await actuator.evict(pods[1])
            } catch ActuationError.evictionRefused(let pod, let message) {
                #expect(pod == "shop/\(pods[1].name)")
                #expect(message.contains("disruption budget"))
            }
            #expect(await server.pods.contains { $0.name == pods[1].name })

            await server.inject(.refuseEvictions(false))
            try await actuator.evict(pods[1])
            #expect(await !server.pods.contains { $0.name == pods[1].name })
            // Gone: 404, told as such.
            await #expect(throws: ActuationError.podGone(pod: "shop/\(pods[1].name)")) { try await actuator.evict(pods[1]) }
        }
    }

    /// The updater loop resizes the simulated pods through the API. A pod whose resize was sent is
    /// not patched again while the store has not seen its new spec (twenty loops, one patch); the
    /// other pod waits its turn (the group's disruption budget), and is resized once the store sees
    /// the first one's.
    @Test func updaterLoopPatchesEachPodOnce() async throws {
        try await withSimulatedAPI { server, kubernetes in
            try await withServer { _, store in
                let start = await server.now
                func at(_ seconds: Int64) -> Timestamp { start.advanced(byMilliseconds: seconds * 1000) }
                func observe(_ seconds: Int64) async throws {
                    _ = try await store.ingest(IngestRequest(observedAt: at(seconds), inPlaceMode: .enabled,
                                                             observations: (await server.pods).map { .pod($0) }))
                }
                let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                         updateMode: .inPlaceOrRecreate)
                _ = try await store.ingest(IngestRequest(observedAt: start, inPlaceMode: .enabled, observations: [.vpa(vpa)]))
                try await observe(0)
                // Requests of 200m / 256 Mi are under the lower bound: resize to the target.
                _ = try await store.append(AppendRequest(events: [AppendEvent(
                    vpaKey: "shop/web", occurredAt: start, body: .recommendationPublished(PublishedRecommendation(containers: [
                        ContainerRecommendation(container: "app", target: Self.target.resources.requests,
                                                lowerBound: ResourceList(cpuMillicores: 250, memoryBytes: 280 * mebibyte),
                                                upperBound: ResourceList(cpuMillicores: 400, memoryBytes: 400 * mebibyte),
                                                uncappedTarget: Self.target.resources.requests),
                    ])))]))
                let api = CountingSender(kubernetes)
                let runner = UpdaterRunner(store: store, actuator: APIActuator(api: api), logger: TestServer.quietLogger)
                var alreadyRequested = 0
                for second in 0..<20 {
                    let summary = try await runner.runOnce(now: at(Int64(second)))
                    #expect(summary.actuationFailures == 0)
                    alreadyRequested += summary.alreadyRequested
                }
                #expect(api.count("/resize") == 1)
                #expect(alreadyRequested == 19)
                #expect(api.count("/eviction") == 0)
                #expect(await server.pods.filter { $0.containers.first?.desired == Self.target.resources }.count == 1)

                // The kubelet resizes it and the store sees that: the other pod's turn.
                await server.advance(byMilliseconds: 3000)
                try await observe(21)
                #expect(try await runner.runOnce(now: at(22)).actuated == 1)
                #expect(try await runner.runOnce(now: at(23)).alreadyRequested == 1)
                #expect(api.count("/resize") == 2)
                #expect(await server.pods.allSatisfy { $0.containers.first?.desired == Self.target.resources })

                // Both resized and seen: nothing more to send.
                await server.advance(byMilliseconds: 3000)
                try await observe(30)
                let settled = try await runner.runOnce(now: at(120))
                #expect(settled.resizes == 0)
                #expect(api.count("/resize") == 2)
            }
        }
    }

    /// Recreate mode, a disruption budget refusing (the simulator's 429): the eviction is recorded as
    /// a wait and the pod stays; once the budget allows it, the pod is evicted.
    @Test func refusedEvictionIsRecordedAsAWait() async throws {
        try await withSimulatedAPI(scenario: smallScenario(mode: .recreate)) { server, kubernetes in
            try await withServer { _, store in
                let start = await server.now
                let pods = await server.pods
                let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                         updateMode: .recreate)
                _ = try await store.ingest(IngestRequest(observedAt: start, inPlaceMode: .enabled,
                                                         observations: [.vpa(vpa)] + pods.map { .pod($0) }))
                _ = try await store.append(AppendRequest(events: [AppendEvent(
                    vpaKey: "shop/web", occurredAt: start, body: .recommendationPublished(PublishedRecommendation(containers: [
                        ContainerRecommendation(container: "app", target: Self.target.resources.requests,
                                                lowerBound: ResourceList(cpuMillicores: 250, memoryBytes: 280 * mebibyte),
                                                upperBound: ResourceList(cpuMillicores: 400, memoryBytes: 400 * mebibyte),
                                                uncappedTarget: Self.target.resources.requests),
                    ])))]))
                await server.inject(.refuseEvictions(true))
                let runner = UpdaterRunner(store: store, actuator: APIActuator(api: kubernetes), logger: TestServer.quietLogger)
                let refused = try await runner.runOnce(now: start.advanced(byMilliseconds: 1000))
                #expect(refused.evictionsRefused == 1)
                #expect(refused.actuationFailures == 0)
                #expect(await server.pods.count == 2)
                // The pod the updater chose to evict: [evict, wait]; the other waits for the group's budget.
                var byPod: [[UpdaterDecisionRecord]] = []
                for pod in pods { byPod.append(try await UpdaterRunnerTests.decisions(store, pod: pod.name)) }
                let chosen = try #require(byPod.first { $0.first?.action == .evict })
                #expect(chosen.map(\.action) == [.evict, .wait])
                #expect(chosen.last?.reason.contains("eviction refused by a PodDisruptionBudget (429") == true)

                await server.inject(.refuseEvictions(false))
                let allowed = try await runner.runOnce(now: start.advanced(byMilliseconds: 2000))
                #expect(allowed.actuated == 1)
                let names = Set(pods.map(\.name))
                let remaining = await server.pods.filter { names.contains($0.name) }
                #expect(remaining.count == 1)
            }
        }
    }
}
