import KubernetesJSON
import Recommender
import RecommenderRunner
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// Migration from upstream VPA (issue 14 item 5) and restart from checkpoints (item 6), against a
/// real server; plus the LimitRanges the store now keeps for capping (item 2).
@Suite struct UpstreamMigrationTests {
    typealias Base = RecommenderRunnerTests

    /// The VPA, two pods and two days of samples a minute at 500 millicores and 600 MiB: the first
    /// day's memory peaks are in the checkpoint, the second's (the open interval) are not.
    static func ingestTwoDays(_ client: StoreClient) async throws {
        _ = try await client.ingest(IngestRequest(observedAt: minute(0), inPlaceMode: .enabled, observations: [
            .vpa(Base.vpa), .pod(Base.pod("web-5d8f-a")), .pod(Base.pod("web-5d8f-b")),
        ]))
        try await Base.ingestUsage(client, pods: ["web-5d8f-a", "web-5d8f-b"], minutes: 0..<2880, millicores: 500,
                                   bytes: 600 * mebibyte)
    }

    /// `checkpoint` written as upstream's recommender writes a `VerticalPodAutoscalerCheckpoint`
    /// (pkg/recommender/checkpoint/checkpoint_writer.go; pkg/apis/autoscaling.k8s.io/v1/types.go):
    /// metav1.Time in RFC 3339, bucket weights keyed by decimal index.
    static func upstreamJSON(vpa: String, _ container: RecommenderCheckpoint.Container) -> String {
        func time(_ timestamp: Timestamp?) -> String { timestamp.map { "\"\($0.rfc3339)\"" } ?? "null" }
        func histogram(_ histogram: HistogramCheckpoint) -> String {
            let buckets = histogram.bucketWeights.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
            return "{\"referenceTimestamp\": \(time(histogram.referenceTimestamp)), \"bucketWeights\": {\(buckets.joined(separator: ", "))}, "
                + "\"totalWeight\": \(histogram.totalWeight)}"
        }
        let checkpoint = container.checkpoint
        return """
            {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscalerCheckpoint",
             "metadata": {"name": "\(vpa)-\(container.name)", "namespace": "shop"},
             "spec": {"vpaObjectName": "\(vpa)", "containerName": "\(container.name)"},
             "status": {"lastUpdateTime": "2026-11-04T09:00:00Z", "version": "\(checkpoint.version)",
               "cpuHistogram": \(histogram(checkpoint.cpuHistogram)), "memoryHistogram": \(histogram(checkpoint.memoryHistogram)),
               "firstSampleStart": \(time(checkpoint.firstSampleStart)), "lastSampleStart": \(time(checkpoint.lastSampleStart)),
               "totalSamplesCount": \(checkpoint.totalSamplesCount)}}
            """
    }

    // upstream: pkg/recommender/model/aggregate_container_state_test.go TestAggregateContainerStateSaveToCheckpoint
    // and TestAggregateContainerStateLoadFromCheckpoint (a saved state loads back to the same
    // histograms), here across the migration: upstream's checkpoint object in, the same recommendation out.
    @Test func importedUpstreamCheckpointPublishesTheSameRecommendation() async throws {
        var original: PublishedRecommendation?
        var saved: RecommenderCheckpoint?
        try await withServer { _, client in
            try await Self.ingestTwoDays(client)
            _ = try await Base.runner(client).runOnce(now: minute(2880))
            let record = try #require(try await client.vpas().vpas.first)
            original = record.recommendation
            saved = record.checkpoint
        }
        let published = try #require(original)
        let container = try #require(saved?.containers.first)
        #expect(container.checkpoint.memoryHistogram.totalWeight > 0)
        let objects = try KubernetesInput.decode(Array(Self.upstreamJSON(vpa: "web", container).utf8), file: "checkpoints.json")

        // A fresh store, as after switching from upstream: the VPA and its pods, no usage at all.
        try await withServer { _, client in
            let imported = try await client.ingest(IngestRequest(observedAt: minute(2880), inPlaceMode: .enabled, observations: [
                .vpa(Base.vpa), .pod(Base.pod("web-5d8f-a")), .pod(Base.pod("web-5d8f-b")),
            ] + objects.compactMap(\.observation)))
            #expect(imported.summary.checkpointsImported == 1)
            let checkpoint = try #require(try await client.vpas().vpas.first?.checkpoint)
            #expect(checkpoint.consumedPosition == imported.headPosition - 1)
            #expect(checkpoint.containers.map(\.name) == ["app"])

            // Importing again appends nothing: the checkpoint has the container.
            let again = try await client.ingest(IngestRequest(observations: objects.compactMap(\.observation)))
            #expect(again.summary.checkpointsImported == 0)
            #expect(again.summary.checkpointsSkipped == 1)
            #expect(again.summary.eventsAppended == 0)

            let summary = try await Base.runner(client).runOnce(now: minute(2880))
            #expect(summary.samples == 0)
            #expect(summary.recommendationsPublished == 1)
            let migrated = try #require(try await client.vpas().vpas.first?.recommendation)
            #expect(migrated.containers == published.containers)
        }
    }

    @Test func checkpointOfAVPANotInTheStoreIsSkipped() async throws {
        try await withServer { _, client in
            let checkpoint = ContainerCheckpoint(cpuHistogram: HistogramCheckpoint(), memoryHistogram: HistogramCheckpoint(),
                                                 firstSampleStart: nil, lastSampleStart: nil, totalSamplesCount: 0)
            let response = try await client.ingest(IngestRequest(observations: [
                .upstreamCheckpoint(UpstreamCheckpointObservation(namespace: "shop", vpaName: "missing", containerName: "app",
                                                                  checkpoint: checkpoint)),
            ]))
            #expect(response.summary.checkpointsSkipped == 1)
            #expect(response.summary.eventsAppended == 0)
        }
    }

    /// Issue 14 item 6: a recommender restarted from its checkpoints publishes the recommendation it
    /// published before the restart. The restarted runner's histories, restored from the
    /// checkpoint alone, give the published recommendation; and as samples keep coming it agrees
    /// with a runner that was never restarted: after that one publishes (the bounds narrow as the
    /// history grows), the restarted one computes the same and publishes nothing.
    @Test func restartedRecommenderPublishesTheSameRecommendation() async throws {
        try await withServer { _, client in
            try await Self.ingestTwoDays(client)
            let original = Base.runner(client)
            let first = try await original.runOnce(now: minute(2880))
            #expect(first.recommendationsPublished == 1)
            let before = try #require(try await client.vpas().vpas.first?.recommendation)

            let restarted = Base.runner(client)
            let idle = try await restarted.runOnce(now: minute(2880))
            #expect(idle.samples == 0)
            #expect(idle.recommendationsPublished == 0)
            let states = await restarted.aggregateStates(ofVPA: "shop/web")
            #expect(states["app"]?.totalCPUSamples == 5760)
            #expect(PodResourceRecommender().recommendations(for: Base.vpa, states: states) == before.containers)

            try await Base.ingestUsage(client, pods: ["web-5d8f-a", "web-5d8f-b"], minutes: 2880..<2940, millicores: 500,
                                       bytes: 600 * mebibyte)
            let continued = try await original.runOnce(now: minute(2940))
            #expect(continued.samples == 120)
            let after = try #require(try await client.vpas().vpas.first?.recommendation)
            let later = try await restarted.runOnce(now: minute(2940))
            #expect(later.samples == 120)
            #expect(later.recommendationsPublished == 0)
            #expect(await restarted.aggregateStates(ofVPA: "shop/web")["app"]?.totalCPUSamples == 5880)
            #expect(PodResourceRecommender().recommendations(for: Base.vpa, states: await restarted.aggregateStates(ofVPA: "shop/web"))
                    == after.containers)
            #expect(after.containers.map(\.target) == before.containers.map(\.target))
        }
    }

    /// LimitRanges go into the log as their own stream and come back with the VPAs, which is where
    /// the updater reads them; a deletion removes one, and an unchanged one appends nothing.
    @Test func limitRangesAreStoredAndListedWithTheVPAs() async throws {
        try await withServer { _, client in
            let range = LimitRangeObservation(namespace: "shop", name: "limits", items: [
                .init(type: .container, min: ResourceList(memoryBytes: 64 * mebibyte), max: ResourceList(cpuMillicores: 2000),
                      defaultLimit: ResourceList(cpuMillicores: 500)),
                .init(type: .pod, max: ResourceList(memoryBytes: 8 << 30)),
            ])
            let other = LimitRangeObservation(namespace: "jobs", name: "limits", items: [.init(type: .container, max: ResourceList(cpuMillicores: 1))])
            let first = try await client.ingest(IngestRequest(observations: [.vpa(Base.vpa), .limitRange(range), .limitRange(other)]))
            #expect(first.summary.limitRangesObserved == 2)
            #expect(first.summary.eventsAppended == 3)
            #expect(try await client.vpas().limitRanges == [other, range])
            #expect(try await client.vpas(VPAListRequest(namespace: "shop")).limitRanges == [range])

            let unchanged = try await client.ingest(IngestRequest(observations: [.limitRange(range)]))
            #expect(unchanged.summary.eventsAppended == 0)
            let events = try await client.readEvents(ReadEventsRequest(selector: EventSelector(type: .limitRangeObserved)))
            #expect(events.events.map(\.stream?.kind) == [.limitRange, .limitRange])

            let deleted = try await client.ingest(IngestRequest(observations: [.limitRangeDeleted(other)]))
            #expect(deleted.summary.eventsAppended == 1)
            #expect(try await client.vpas().limitRanges == [range])
        }
    }
}
