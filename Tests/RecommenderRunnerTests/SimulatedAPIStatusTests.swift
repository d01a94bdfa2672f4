import Foundation
import KubernetesAPI
import NIOHTTP1
import RecommenderRunner
import SimulatedClusterSupport
import SimulatorAPI
import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// `--publish api` against the simulated cluster's Kubernetes API over HTTPS.
@Suite struct SimulatedAPIStatusTests {
    @Test func recommendationLandsInTheVPAStatus() async throws {
        try await withSimulatedAPI { _, kubernetes in
            try await withServer { _, store in
                try await RecommenderRunnerTests.ingestSteadyDay(store)
                let runner = RecommenderRunner(store: store, configuration: RecommenderRunnerConfiguration(checkpointEveryLoops: 1),
                                               statusWriter: VPAStatusWriter(api: kubernetes), logger: TestServer.quietLogger)
                let summary = try await runner.runOnce(now: minute(1440))
                #expect(summary.statusesWritten == 1)
                #expect(summary.statusWriteFailures == 0)

                let bytes = try await kubernetes.send(.GET, APIResource.verticalPodAutoscalers.objectPath(namespace: "shop", name: "web"))
                let vpa = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
                let status = vpa?["status"] as? [String: Any]
                let containers = (status?["recommendation"] as? [String: Any])?["containerRecommendations"] as? [[String: Any]]
                #expect(containers?.count == 1)
                #expect(containers?.first?["containerName"] as? String == "app")
                for field in ["target", "lowerBound", "upperBound", "uncappedTarget"] {
                    let quantities = containers?.first?[field] as? [String: String]
                    #expect(quantities?["cpu"] != nil, "\(field)")
                    #expect(quantities?["memory"] != nil, "\(field)")
                }
                let conditions = status?["conditions"] as? [[String: Any]]
                #expect(conditions?.first?["type"] as? String == "RecommendationProvided")
                #expect(conditions?.first?["status"] as? String == "True")
                // The target read back is the one published to the store.
                let published = try await store.vpas().vpas.first?.recommendation?.containers.first?.target
                let target = containers?.first?["target"] as? [String: String]
                #expect(try target.flatMap { try ResourceList(kubernetes: $0) } == published)
            }
        }
    }
}
