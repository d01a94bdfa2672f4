import Foundation
import KubernetesAPI
import KubernetesJSON
import SimulatorAPI
import SimulatedClusterSupport
import Testing
import VPAModel

/// The reflector against the simulated API server over real HTTPS: paging, watching, 410, faults.
@Suite struct ReflectorTests {
    static func options(pageSize: Int = 500) -> ReflectorOptions {
        var options = ReflectorOptions()
        options.pageSize = pageSize
        options.watchTimeoutSeconds = 30...30
        options.backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(400))
        return options
    }

    /// Runs a reflector of pods into a log while `body` runs.
    func reflecting(_ client: KubernetesClient, options: ReflectorOptions = options(),
                    _ body: (ReflectorLog) async throws -> Void) async throws {
        let log = ReflectorLog()
        let reflector = Reflector(client: client, resource: .pods, options: options, logger: quietLogger)
        do {
            try await whileRunning({ await reflector.run { await log.append($0) } }) { try await body(log) }
        } catch {
            // What the reflector went through, to tell a slow machine from a broken reflector.
            let incidents = await log.incidents.map { "\($0)" }.joined(separator: "\n")
            Issue.record("the reflector's incidents:\n\(incidents)")
            throw error
        }
    }

    @Test func listsInPagesThenWatchesAddedModifiedDeleted() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { server, client in
            await server.putPods(samplePods(0..<1_200))
            try await reflecting(client, options: Self.options(pageSize: 500)) { log in
                try await waitFor("the first list") { await !log.lists.isEmpty }
                let pages = await log.listPages
                #expect(pages.map(\.count) == [500, 500, 200])
                let names = Set(pages.joined().compactMap(\.name))
                #expect(names.count == 1_200)
                #expect(await log.lists.first?.isRelist == false)

                await server.putPods(samplePods(1_200..<1_201))
                await server.putPods(samplePods(5..<6, memoryMebibytes: 256))
                await server.deletePod(namespace: "shop", name: "pod-7")
                try await waitFor("three watch events") { await log.events.count >= 3 }
                let events = await log.events
                #expect(events.map(\.0) == [.added, .modified, .deleted])
                #expect(events.map { $0.1.name } == ["pod-1200", "pod-5", "pod-7"])
                guard case .success(let objects) = events[1].1.result, case .pod(let pod)? = objects.first else {
                    Issue.record("the MODIFIED pod did not decode")
                    return
                }
                #expect(pod.containers.first?.desired.requests.memoryBytes == 256 << 20)
                #expect(await log.lists.count == 1, "a healthy watch never relists")
            }
        }
    }

    @Test func bookmarksArrive() async throws {
        try await withSimulatedAPI(scenario: emptyScenario(), configure: { $0.bookmarkInterval = .milliseconds(100) }) { server, client in
            await server.putPods(samplePods(0..<3))
            try await reflecting(client) { log in
                try await waitFor("two bookmarks") { await log.bookmarks >= 2 }
            }
        }
    }

    @Test func aWatchClosedMidStreamResumesFromTheLastVersionWithoutARelist() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { server, client in
            await server.putPods(samplePods(0..<10))
            try await reflecting(client) { log in
                try await waitFor("the list and a watch") { await !log.lists.isEmpty && server.openWatchCount > 0 }
                await server.inject(.closeWatches)
                await server.putPods(samplePods(10..<11))
                try await waitFor("the pod added after the watch broke") { await log.events.contains { $0.1.name == "pod-10" } }
                #expect(await log.lists.count == 1)
                #expect(await log.incidents.contains { if case .watchRestarted = $0 { true } else { false } })
            }
        }
    }

    @Test func anExpiredVersionRelistsAndTheListLacksThePodDeletedInTheGap() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { server, client in
            await server.putPods(samplePods(0..<10))
            try await reflecting(client) { log in
                try await waitFor("the list and a watch") { await !log.lists.isEmpty && server.openWatchCount > 0 }
                // The watch breaks and cannot come back at once (503s); meanwhile a pod is deleted and
                // the history that recorded it is compacted away, so the next watch gets 410.
                await server.inject(.failRequests(count: 3, status: 503))
                await server.inject(.closeWatches)
                await server.deletePod(namespace: "shop", name: "pod-3")
                await server.inject(.dropHistory)
                try await waitFor("a relist") { await log.lists.count >= 2 }
                let lists = await log.lists
                #expect(lists[1].isRelist)
                let relisting = await log.incidents.compactMap { if case .relisting(let reason) = $0 { reason } else { nil } }
                #expect(relisting.contains { $0.contains("410") || $0.contains("Expired") }, "\(relisting)")
                let lastPage = await log.listPages.last ?? []
                #expect(lastPage.count == 9)
                #expect(!lastPage.contains { $0.name == "pod-3" })
            }
        }
    }

    @Test func serverErrorsAndRateLimitsBackOffThenRecover() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { server, client in
            await server.putPods(samplePods(0..<5))
            await server.inject(.failRequests(count: 2, status: 500))
            await server.inject(.failRequests(count: 1, status: 429, retryAfterSeconds: 1))
            let started = ContinuousClock.now
            try await reflecting(client) { log in
                try await waitFor("the list after the failures") { await !log.lists.isEmpty }
                let errors = await log.incidents.compactMap { incident -> (Int?, Duration)? in
                    if case .apiError(let error, _, let delay) = incident { (error.code, delay) } else { nil }
                }
                #expect(errors.count >= 1)
                #expect(errors.contains { $0.0 == 429 && $0.1 == .seconds(1) } || errors.contains { $0.0 == 500 },
                        "\(errors)")
                if errors.contains(where: { $0.0 == 429 }) {
                    #expect(ContinuousClock.now - started >= .seconds(1), "Retry-After was not honoured")
                }
                #expect(await log.listPages.last?.count == 5)
            }
        }
    }

    @Test func aWrongCertificateAuthorityIsAClearTLSErrorNamingTheKubeconfig() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { first, _ in
            try await withSimulatedAPI(scenario: emptyScenario()) { second, _ in
                // The first server's kubeconfig (its CA, its token) pointed at the second server.
                var connection = try ClusterConnection.load(kubeconfig: first.kubeconfigPath, context: nil)
                connection.server = second.serverURL
                let client = try KubernetesClient(connection: connection, requestTimeout: .seconds(10))
                defer { Task { await client.shutdown() } }
                let error = await #expect(throws: KubernetesAPIError.self) { try await client.list(.pods) }
                let text = error.map { "\($0)" } ?? ""
                #expect(text.contains("not signed by the certificate authority of kubeconfig \(first.kubeconfigPath)"), "\(text)")
            }
        }
    }

    @Test func aWrongTokenIsUnauthorized() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { server, _ in
            var connection = try ClusterConnection.load(kubeconfig: server.kubeconfigPath, context: nil)
            connection.token = .fixed("not-the-token")
            let client = try KubernetesClient(connection: connection)
            let error = await #expect(throws: KubernetesAPIError.self) { try await client.list(.pods) }
            #expect(error?.code == 401)
            await client.shutdown()
        }
    }

    /// A resource the API server does not serve (a CRD not installed: 404) is warned about and
    /// retried with backoff, not given up on.
    @Test func aResourceTheServerDoesNotServeIsRetried() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { _, client in
            let missing = APIResource(group: "autoscaling.k8s.io", version: "v9", plural: "verticalpodautoscalers",
                                      kind: "VerticalPodAutoscaler")
            let log = ReflectorLog()
            let reflector = Reflector(client: client, resource: missing, options: Self.options(), logger: quietLogger)
            try await whileRunning({ await reflector.run { await log.append($0) } }) {
                try await waitFor("three failed lists") {
                    await log.incidents.filter { if case .apiError(let error, _, _) = $0 { error.code == 404 } else { false } }.count >= 3
                }
            }
            #expect(await log.lists.isEmpty)
        }
    }
}
