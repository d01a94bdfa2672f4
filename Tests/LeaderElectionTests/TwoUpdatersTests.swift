import Foundation
import KubernetesAPI
import LeaderElection
import Logging
import NIOHTTP1
import SimulatedClusterSupport
import SimulatorAPI
import StoreAPI
import StoreWire
import Testing
import UpdaterRunner
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// Two updaters, one store, one simulated cluster: only the one holding the Lease acts.
@Suite struct TwoUpdatersTests {
    static let timings = LeaderElectionTimings(leaseDuration: .seconds(5), renewDeadline: .milliseconds(800),
                                               retryPeriod: .milliseconds(100))
    static let target = ResourceList(cpuMillicores: 300, memoryBytes: 300 * mebibyte)

    /// The store knows the simulated pods and the VPA, with a recommendation their requests are
    /// under: every loop of an acting updater resizes both pods (sent again each loop, as the store
    /// never sees the new spec and the resend timeout is a millisecond).
    static func seed(_ store: StoreClient, from server: SimulatedAPIServer) async throws {
        let start = await server.now
        let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                 updateMode: .inPlaceOrRecreate)
        _ = try await store.ingest(IngestRequest(observedAt: start, inPlaceMode: .enabled,
                                                 observations: [.vpa(vpa)] + (await server.pods).map { .pod($0) }))
        _ = try await store.append(AppendRequest(events: [AppendEvent(
            vpaKey: "shop/web", occurredAt: start, body: .recommendationPublished(PublishedRecommendation(containers: [
                ContainerRecommendation(container: "app", target: target,
                                        lowerBound: ResourceList(cpuMillicores: 250, memoryBytes: 280 * mebibyte),
                                        upperBound: ResourceList(cpuMillicores: 400, memoryBytes: 400 * mebibyte),
                                        uncappedTarget: target),
            ])))]))
    }

    /// A candidate: its own API client (as a separate process has), counted; its own runner.
    struct Candidate {
        var api: CountingSender
        var client: KubernetesClient
        var elector: LeaderElector
        var runner: UpdaterRunner

        init(_ name: String, server: SimulatedAPIServer, store: TestServer) throws {
            client = try KubernetesClient(connection: ClusterConnection.load(kubeconfig: server.kubeconfigPath, context: nil))
            api = CountingSender(client)
            let logger = Logger(label: name, factory: { _ in SwiftLogNoOpLogHandler() })
            elector = try LeaderElector(api: api, namespace: "kube-system", leaseName: "vpa-updater", identity: name,
                                        timings: TwoUpdatersTests.timings, logger: logger)
            runner = UpdaterRunner(store: store.client(), configuration: UpdaterRunnerConfiguration(resendAfter: .milliseconds(1)),
                                   actuator: APIActuator(api: api), logger: logger)
        }

        /// Loops every 20 ms while leading, until cancelled; then releases.
        func start(clock: @escaping @Sendable () async -> Timestamp) -> Task<Void, Never> {
            let runner = self.runner
            return Task {
                await elector.run {
                    while !Task.isCancelled {
                        _ = try? await runner.runOnce(now: await clock())
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
        }
    }

    @Test func onlyTheLeaseHolderActs() async throws {
        try await withSimulatedAPI { server, _ in
            try await withServer { store, storeClient in
                try await Self.seed(storeClient, from: server)
                let start = await server.now
                let ticks = Counter()
                let clock: @Sendable () async -> Timestamp = {
                    start.advanced(byMilliseconds: Int64(await ticks.next()) * 1000)
                }
                let a = try Candidate("updater-a", server: server, store: store)
                let b = try Candidate("updater-b", server: server, store: store)
                let runA = a.start(clock: clock)
                let runB = b.start(clock: clock)

                // Generous: under a full parallel test run on 2 cores the first loops come late.
                #expect(await eventually(timeout: .seconds(60)) { a.api.count("/resize") + b.api.count("/resize") >= 10 })
                try await Task.sleep(for: .seconds(1))
                let aLeads = await a.elector.isLeading
                let (leader, follower, leaderRun, followerRun) = aLeads ? (a, b, runA, runB) : (b, a, runB, runA)
                // The follower never sent a resize or an eviction; the leader sent many.
                #expect(follower.api.count("/resize") == 0)
                #expect(follower.api.count("/eviction") == 0)
                #expect(leader.api.count("/resize") >= 10)

                // The leader stops cleanly: it releases, the follower takes over at once and acts.
                let stopped = ContinuousClock.now
                leaderRun.cancel()
                await leaderRun.value
                let leaderResizes = leader.api.count("/resize")
                #expect(await eventually { follower.api.count("/resize") > 0 })
                #expect(ContinuousClock.now - stopped < .seconds(3))
                try await Task.sleep(for: .milliseconds(300))
                #expect(leader.api.count("/resize") == leaderResizes)
                let lease = try await a.client.send(.GET, APIResource.leases.objectPath(namespace: "kube-system", name: "vpa-updater"))
                let spec = (try JSONSerialization.jsonObject(with: Data(lease)) as? [String: Any])?["spec"] as? [String: Any]
                #expect(spec?["holderIdentity"] as? String == follower.elector.identity)
                #expect(spec?["leaseTransitions"] as? Int == 1)

                followerRun.cancel()
                await followerRun.value
                await a.runner.close()
                await b.runner.close()
                await a.client.shutdown()
                await b.client.shutdown()
            }
        }
    }
}

extension Counter {
    /// The count before this call, then one more.
    func next() -> Int {
        increment()
        return value - 1
    }
}
