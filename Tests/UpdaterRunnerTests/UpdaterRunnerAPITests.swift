import SimulatedClusterSupport
import StoreAPI
import StoreWire
import Testing
import Updater
import UpdaterRunner
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// The updater loop over a real store, acting through an API that records what it is sent.
@Suite struct UpdaterRunnerAPITests {
    static func runner(_ client: StoreClient, api: RecordingAPI, resendAfter: Duration = .seconds(60)) -> UpdaterRunner {
        UpdaterRunner(store: client, configuration: UpdaterRunnerConfiguration(resendAfter: resendAfter),
                      actuator: APIActuator(api: api), logger: TestServer.quietLogger)
    }

    static func seconds(_ minutes: Int64, _ seconds: Int64) -> Timestamp {
        minute(minutes).advanced(byMilliseconds: seconds * 1000)
    }

    /// A resize already sent is not sent again every loop while the store does not show the new
    /// spec; after `resendAfter` (on the loop's clock) it is; new targets are sent at once.
    @Test func resizeIsNotPatchedAgainUntilTheTimeout() async throws {
        try await withServer { _, client in
            try await UpdaterRunnerTests.setUp(client, mode: .inPlaceOrRecreate, aConditions: [])
            let api = RecordingAPI()
            let runner = Self.runner(client, api: api)
            var suppressed = 0
            // Twenty loops in 57 s (an updater looping every few seconds): one patch.
            for step in 0..<20 {
                let summary = try await runner.runOnce(now: Self.seconds(1, Int64(step) * 3))
                #expect(summary.resizes == 1)
                suppressed += summary.alreadyRequested
            }
            let patches = { api.requests.filter { $0.method == "PATCH" } }
            #expect(patches().count == 1)
            #expect(suppressed == 19)
            #expect(patches().first?.path == "/api/v1/namespaces/shop/pods/web-5d8f-a/resize")

            // A minute after the patch, the store still shows the old spec: sent again.
            let again = try await runner.runOnce(now: Self.seconds(2, 0))
            #expect(again.actuated == 1)
            #expect(again.alreadyRequested == 0)
            #expect(patches().count == 2)

            // A new recommendation means new targets: sent at once.
            var changed = UpdaterRunnerTests.recommendation
            changed.containers[0].target = ResourceList(cpuMillicores: 600, memoryBytes: 600 * mebibyte)
            _ = try await client.append(AppendRequest(events: [
                AppendEvent(vpaKey: "shop/web", occurredAt: Self.seconds(2, 1), body: .recommendationPublished(changed)),
            ]))
            let changedLoop = try await runner.runOnce(now: Self.seconds(2, 5))
            #expect(changedLoop.actuated == 1)
            #expect(patches().count == 3)
            #expect(patches().last?.body.contains("\"600m\"") == true)
        }
    }

    /// A PodDisruptionBudget refuses the eviction (429): recorded once as a wait, not a failure;
    /// when the API lets it through, the eviction is recorded.
    @Test func evictionRefusedByABudgetIsAWait() async throws {
        try await withServer { _, client in
            try await UpdaterRunnerTests.setUp(client, mode: .inPlaceOrRecreate)
            let api = RecordingAPI()
            api.answer { $0.path.hasSuffix("/eviction") ? 429 : 200 }
            let runner = Self.runner(client, api: api)

            let refused = try await runner.runOnce(now: minute(6))
            #expect(refused.evictionsRefused == 1)
            #expect(refused.evictions == 0)
            #expect(refused.waiting == 1)
            #expect(refused.actuationFailures == 0)
            #expect(refused.actuated == 0)
            #expect(refused.description.hasSuffix("1 eviction refused"))
            var decisions = try await UpdaterRunnerTests.decisions(client, pod: "web-5d8f-a")
            #expect(decisions.map(\.action) == [.evict, .wait])
            #expect(decisions.last?.reason.contains("eviction refused by a PodDisruptionBudget (429") == true)

            // Still refused: tried again, nothing new recorded.
            let stillRefused = try await runner.runOnce(now: minute(7))
            #expect(stillRefused.evictionsRefused == 1)
            #expect(stillRefused.decisionsRecorded == 0)
            #expect(try await UpdaterRunnerTests.decisions(client, pod: "web-5d8f-a").map(\.action) == [.evict, .wait])

            // The budget allows it now: evicted, and recorded as such.
            api.answer { _ in 201 }
            let evicted = try await runner.runOnce(now: minute(8))
            #expect(evicted.actuated == 1)
            #expect(evicted.evictions == 1)
            decisions = try await UpdaterRunnerTests.decisions(client, pod: "web-5d8f-a")
            #expect(decisions.map(\.action) == [.evict, .wait, .evict])
            #expect(api.requests.filter { $0.path.hasSuffix("/eviction") }.count == 3)

            // Not sent again while the pod is still listed, within the resend timeout.
            let after = try await runner.runOnce(now: minute(8).advanced(byMilliseconds: 10_000))
            #expect(after.alreadyRequested == 1)
            #expect(api.requests.filter { $0.path.hasSuffix("/eviction") }.count == 3)
        }
    }

    /// A pod the API no longer has (404) is neither a failure nor a reason to fall back to eviction.
    @Test func podGoneIsNotAFailure() async throws {
        try await withServer { _, client in
            try await UpdaterRunnerTests.setUp(client, mode: .inPlaceOrRecreate, aConditions: [])
            let api = RecordingAPI()
            api.answer { _ in 404 }
            let summary = try await Self.runner(client, api: api).runOnce(now: minute(1))
            #expect(summary.actuationFailures == 0)
            #expect(summary.actuated == 0)
            #expect(api.requests.map(\.method) == ["PATCH"])
            #expect(try await UpdaterRunnerTests.decisions(client, pod: "web-5d8f-a").map(\.action) == [.resizeInPlace])
        }
    }

    /// Any other refusal of a resize falls back to eviction (InPlaceOrRecreate), as with kubectl.
    @Test func rejectedResizeFallsBackToAnEviction() async throws {
        try await withServer { _, client in
            try await UpdaterRunnerTests.setUp(client, mode: .inPlaceOrRecreate, aConditions: [])
            let api = RecordingAPI()
            api.answer { $0.method == "PATCH" ? 422 : 201 }
            let summary = try await Self.runner(client, api: api).runOnce(now: minute(1))
            #expect(summary.actuationFailures == 1)
            #expect(summary.actuated == 1)
            #expect(api.requests.map(\.method) == ["PATCH", "POST"])
            let decisions = try await UpdaterRunnerTests.decisions(client, pod: "web-5d8f-a")
            #expect(decisions.map(\.action) == [.resizeInPlace, .evict])
            #expect(decisions.last?.reason.contains("422 Invalid") == true)
        }
    }
}
