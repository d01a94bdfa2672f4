import StoreAPI
import StoreRPC
import StoreWire
import Testing
import UpdaterRunner
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// The updater reads the LimitRanges the store holds (ingested like any object) and caps before it
/// resizes (upstream pkg/utils/vpa/capping.go `Apply` in the updater's recommendation processor).
@Suite struct LimitRangeCappingRunnerTests {
    typealias Base = UpdaterRunnerTests

    @Test func resizeIsCappedToTheNamespacesLimitRange() async throws {
        try await withServer { _, client in
            try await Base.setUp(client, mode: .inPlaceOrRecreate, aConditions: [])
            let range = LimitRangeObservation(namespace: "shop", name: "limits", items: [
                .init(type: .container, max: ResourceList(memoryBytes: 384 * mebibyte)),
            ])
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.limitRange(range)]))
            let summary = try await Base.runner(client).runOnce(now: minute(1))
            #expect(summary.resizes == 1)
            let page = try await client.readEvents(ReadEventsRequest(selector: EventSelector(
                pod: PodKey(namespace: "shop", name: "web-5d8f-a"), type: .resizeRequested)))
            guard case .resizeRequested(let request)? = page.events.first?.event.body else {
                Issue.record("no ResizeRequested: \(page.events)")
                return
            }
            // Memory: the LimitRange max bounds the limit (2 × request), so the request is at most
            // 384 Mi × 256 Mi / 512 Mi = 192 Mi (GetBoundaryRequest); CPU is not bounded.
            #expect(request.targets.first?.resources.requests == ResourceList(cpuMillicores: 500, memoryBytes: 192 * mebibyte))
            let decisions = try await Base.decisions(client, pod: "web-5d8f-a")
            #expect(decisions.last?.reason.contains("app: memory capped to fit Max in container LimitRange") == true)
        }
    }
}
