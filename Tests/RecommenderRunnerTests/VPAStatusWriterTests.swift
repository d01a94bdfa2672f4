import Foundation
import RecommenderRunner
import SimulatedClusterSupport
import Testing
import VPAModel
import VPAStoreTestSupport

/// `--publish api`: each VPA's recommendation written to its status through the API, only when it
/// changed.
@Suite struct VPAStatusWriterTests {
    static let recommendation = [ContainerRecommendation(
        container: "app", target: ResourceList(cpuMillicores: 500, memoryBytes: 512 * mebibyte),
        lowerBound: ResourceList(cpuMillicores: 400, memoryBytes: 400 * mebibyte),
        upperBound: ResourceList(cpuMillicores: 1000, memoryBytes: 1024 * mebibyte),
        uncappedTarget: ResourceList(cpuMillicores: 2500, memoryBytes: 300_000_000))]

    /// upstream's `RecommendedContainerResources` fields, quantities as the API server prints them,
    /// and the `RecommendationProvided` condition.
    @Test func statusPatchHasUpstreamsShape() {
        let patch = String(decoding: VPAStatusWriter.statusPatch(Self.recommendation, providedSince: minute(0)), as: UTF8.self)
        #expect(patch == """
            {"status":{"conditions":[{"lastTransitionTime":"2026-11-02T09:00:00Z","status":"True","type":"RecommendationProvided"}],\
            "recommendation":{"containerRecommendations":[{"containerName":"app","lowerBound":{"cpu":"400m","memory":"400Mi"},\
            "target":{"cpu":"500m","memory":"512Mi"},"uncappedTarget":{"cpu":"2500m","memory":"300000000"},\
            "upperBound":{"cpu":"1","memory":"1Gi"}}]}}}
            """)
    }


    @Test func writesTheStatusOnceWhenTheRecommendationChanges() async throws {
        try await withServer { _, client in
            try await RecommenderRunnerTests.ingestSteadyDay(client)
            let api = RecordingAPI()
            let runner = RecommenderRunner(store: client, configuration: RecommenderRunnerConfiguration(checkpointEveryLoops: 1),
                                           statusWriter: VPAStatusWriter(api: api), logger: TestServer.quietLogger)
            let first = try await runner.runOnce(now: minute(1440))
            #expect(first.recommendationsPublished == 1)
            #expect(first.statusesWritten == 1)
            #expect(first.description.hasSuffix(", 1 VPA status written"))
            #expect(api.requests.map(\.method) == ["PATCH"])
            #expect(api.requests.first?.path == "/apis/autoscaling.k8s.io/v1/namespaces/shop/verticalpodautoscalers/web/status")
            #expect(api.requests.first?.contentType == "application/merge-patch+json")
            #expect(api.requests.first?.body.contains(#""type":"RecommendationProvided""#) == true)
            // Nothing new: nothing written.
            let second = try await runner.runOnce(now: minute(1441))
            #expect(second.statusesWritten == 0)
            #expect(api.requests.count == 1)
        }
    }

    /// A VPA gone from the API (404) is not an error, and is not written again; any other failure
    /// is counted and retried next loop.
    @Test func goneIsNotAnErrorAndFailuresRetry() async throws {
        try await withServer { _, client in
            try await RecommenderRunnerTests.ingestSteadyDay(client)
            let api = RecordingAPI()
            api.answer { _ in 503 }
            let runner = RecommenderRunner(store: client, configuration: RecommenderRunnerConfiguration(checkpointEveryLoops: 1),
                                           statusWriter: VPAStatusWriter(api: api), logger: TestServer.quietLogger)
            let failed = try await runner.runOnce(now: minute(1440))
            #expect(failed.statusWriteFailures == 1)
            #expect(failed.statusesWritten == 0)
            api.answer { _ in 404 }
            let gone = try await runner.runOnce(now: minute(1441))
            #expect(gone.statusWriteFailures == 0)
            #expect(gone.statusesWritten == 0)
            _ = try await runner.runOnce(now: minute(1442))
            #expect(api.requests.count == 2)
        }
    }
}
