import Foundation
import KubernetesAPI
import LeaderElection
import NIOHTTP1
import VPAModel

/// Writes recommendations into VerticalPodAutoscalers' `status` through the Kubernetes API
/// (`vpa-recommender --publish api`), where upstream's admission controller reads them for the
/// pods it admits: `status.recommendation.containerRecommendations` (upstream's
/// `RecommendedContainerResources`: containerName, target, lowerBound, upperBound,
/// uncappedTarget) and the `RecommendationProvided` condition, in one merge patch of the `status`
/// subresource.
///
/// Needs RBAC `patch` on `verticalpodautoscalers/status` in `autoscaling.k8s.io`.
public struct VPAStatusWriter: Sendable {
    /// Where the requests go (a `KubernetesClient`).
    public let api: any KubernetesRequestSending

    /// A writer sending through `api`.
    public init(api: any KubernetesRequestSending) {
        self.api = api
    }

    /// The content type of an RFC 7386 merge patch.
    public static let mergePatchContentType = "application/merge-patch+json"

    /// `PATCH …/namespaces/NS/verticalpodautoscalers/NAME/status` with `statusPatch`.
    ///
    /// - Returns: false when the VPA is gone (404), true when written.
    /// - Throws: the API's error for any other refusal, or when it cannot be reached.
    public func write(namespace: String, name: String, recommendation: [ContainerRecommendation],
                      providedSince: Timestamp) async throws(KubernetesAPIError) -> Bool {
        let path = APIResource.verticalPodAutoscalers.objectPath(namespace: namespace, name: name, subresource: "status")
        do throws(KubernetesAPIError) {
            _ = try await api.send(.PATCH, path, query: [],
                                   body: Self.statusPatch(recommendation, providedSince: providedSince),
                                   contentType: Self.mergePatchContentType)
            return true
        } catch where error.code == 404 {
            return false
        }
    }

    /// The merge patch: `{"status":{"conditions":[RecommendationProvided True since
    /// providedSince],"recommendation":{"containerRecommendations":[…]}}}`, containers in the order
    /// given, quantities as the API server prints them (`500m`, `2`, `512Mi`, `300000000`).
    ///
    /// A merge patch replaces lists whole: the conditions become exactly the recommender's, as
    /// upstream's recommender, which writes the whole status, leaves them.
    public static func statusPatch(_ recommendation: [ContainerRecommendation], providedSince: Timestamp) -> [UInt8] {
        struct Condition: Encodable {
            var type = "RecommendationProvided"
            var status = "True"
            var lastTransitionTime: String
        }
        struct Container: Encodable {
            var containerName: String
            var target: [String: String]
            var lowerBound: [String: String]
            var upperBound: [String: String]
            var uncappedTarget: [String: String]
        }
        struct Recommendation: Encodable { var containerRecommendations: [Container] }
        struct Status: Encodable {
            var conditions: [Condition]
            var recommendation: Recommendation
        }
        struct Patch: Encodable { var status: Status }
        let containers = recommendation.map { container in
            Container(containerName: container.container, target: quantities(container.target),
                      lowerBound: quantities(container.lowerBound), upperBound: quantities(container.upperBound),
                      uncappedTarget: quantities(container.uncappedTarget))
        }
        let since = MicroTime(unixMicroseconds: providedSince.unixMilliseconds.multipliedReportingOverflow(by: 1000).partialValue)
        let patch = Patch(status: Status(conditions: [Condition(lastTransitionTime: since.rfc3339Seconds)],
                                         recommendation: Recommendation(containerRecommendations: containers)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, lists and maps of strings always encode.
        return Array((try? encoder.encode(patch)) ?? Data())
    }

    /// A resource list as a Kubernetes resource map; unset amounts are left out.
    static func quantities(_ list: ResourceList) -> [String: String] {
        var map: [String: String] = [:]
        if let cpu = list.cpuMillicores { map["cpu"] = ResourceList.kubernetesCPU(millicores: cpu) }
        if let memory = list.memoryBytes { map["memory"] = ResourceList.kubernetesMemory(bytes: memory) }
        return map
    }
}
