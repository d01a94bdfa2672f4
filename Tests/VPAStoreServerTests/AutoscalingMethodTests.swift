import StoreAPI
import Testing
import VPAModel
import VPAStoreServer
import VPAStoreTestSupport

/// What the recommender and updater read and write, through `StoreAPI` in process: the same
/// methods over TCP are MethodTests' and the runners' end-to-end tests.
@Suite struct AutoscalingMethodTests {
    let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                             updateMode: .inPlaceOrRecreate)

    @Test func vpasUsagePodsAndRecommendationsRoundTrip() async throws {
        try await withStore(.inProcess) { client in
            let pods = (0..<5).map { Pods.pod("web-5d8f-\($0)", owner: "web-5d8f") }
            let usage = UsageObservation(namespace: "shop", pod: "web-5d8f-0", sample: UsageSample(
                at: minute(1), windowMilliseconds: 30_000, containers: [.init(name: "app", cpuMillicores: 120, memoryBytes: 100 << 20)]))
            let ingested = try await client.ingest(IngestRequest(observedAt: minute(0),
                                                                 observations: [.vpa(vpa)] + pods.map { .pod($0) } + [.usage(usage)]))
            #expect(ingested.summary.vpasObserved == 1)
            #expect(ingested.summary.usageSamples == 1)

            var listed = try await client.vpas()
            #expect(listed.vpas == [VPARecord(vpa: vpa, recommendation: nil)])
            #expect(pods.allSatisfy(vpa.manages))

            let recommendation = PublishedRecommendation(containers: [ContainerRecommendation(
                container: "app", target: ResourceList(cpuMillicores: 150, memoryBytes: 300 << 20),
                lowerBound: ResourceList(cpuMillicores: 100, memoryBytes: 250 << 20),
                upperBound: ResourceList(cpuMillicores: 400, memoryBytes: 600 << 20),
                uncappedTarget: ResourceList(cpuMillicores: 150, memoryBytes: 300 << 20))])
            _ = try await client.append(AppendRequest(events: [
                AppendEvent(vpaKey: "shop/web", body: .recommendationPublished(recommendation)),
                AppendEvent(podKey: "shop/web-5d8f-0", body: .updaterDecision(UpdaterDecisionRecord(
                    action: .wait, reason: "in range", vpa: "shop/web", updateMode: .inPlaceOrRecreate))),
            ]))
            listed = try await client.vpas()
            #expect(listed.vpas.first?.recommendation == recommendation)

            // Pages of 2 give all 5 pods once, in order.
            var names: [String] = []
            var after: String?
            repeat {
                let page = try await client.pods(PodListRequest(now: minute(2), pageAfter: after, limit: 2))
                #expect(page.pods.count <= 2)
                names += page.pods.map(\.pod.name)
                after = page.nextPageAfter
            } while after != nil
            #expect(names == pods.map(\.name))
            let all = try await client.allPods(now: minute(2))
            #expect(all.map(\.pod) == pods)
            #expect(all.allSatisfy { $0.resources.count == 1 && $0.resize.state == ResizeState.none && $0.lastVPAResizeCompletedAt == nil })
            #expect(all[0].resources[0].actual.requests.cpuMillicores == 250)

            let usageEvents = try await client.readEvents(ReadEventsRequest(selector: EventSelector(type: .usageSampled)))
            #expect(usageEvents.events.map(\.event.body) == [.usageSampled(usage.sample)])
        }
    }
}
