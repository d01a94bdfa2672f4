import Foundation
import KubernetesAPI
import KubernetesJSON
import LeaderElection
import NIOHTTP1
import VPAModel

/// Resizes and evicts through the Kubernetes API (`--actuate api`), as upstream's updater does:
/// a PATCH of the pod's `resize` subresource (Kubernetes ≥ 1.33) with the same RFC 6902 patch
/// `kubectl patch --subresource resize --type json` sends (`KubectlActuator.resizePatch`), and a
/// POST of a policy/v1 `Eviction`, which the API server checks against PodDisruptionBudgets.
///
/// Needs RBAC `patch` on `pods/resize` and `create` on `pods/eviction`.
public struct APIActuator: PodActuator {
    /// Where the requests go (a `KubernetesClient`).
    public let api: any KubernetesRequestSending

    /// An actuator sending through `api`.
    public init(api: any KubernetesRequestSending) {
        self.api = api
    }

    /// The content type of an RFC 6902 JSON patch, as kubectl sends `--type json`.
    public static let jsonPatchContentType = "application/json-patch+json"

    /// `PATCH /api/v1/namespaces/NS/pods/NAME/resize` with upstream's JSON patch.
    ///
    /// - Throws: `ActuationError.podGone` (404), `.apiFailed` with the API's message for any other
    ///   refusal, `.containerNotFound` / `.emptyPatch` before sending anything.
    public func resize(_ pod: PodObservation, targets: [ResizeRequest.Target]) async throws {
        let patch = try KubectlActuator.resizePatch(for: pod, targets: targets)
        let path = APIResource.pods.objectPath(namespace: pod.namespace, name: pod.name, subresource: "resize")
        do throws(KubernetesAPIError) {
            _ = try await api.send(.PATCH, path, query: [], body: Array(patch.utf8), contentType: Self.jsonPatchContentType)
        } catch {
            throw Self.actuationError(error, operation: "resize", pod: pod)
        }
    }

    /// `POST /api/v1/namespaces/NS/pods/NAME/eviction` with a policy/v1 `Eviction` of the pod.
    ///
    /// - Throws: `ActuationError.evictionRefused` when the API server answers 429 (a
    ///   PodDisruptionBudget allows no disruption now), `.podGone` (404), `.apiFailed` otherwise.
    public func evict(_ pod: PodObservation) async throws {
        let path = APIResource.pods.objectPath(namespace: pod.namespace, name: pod.name, subresource: "eviction")
        do throws(KubernetesAPIError) {
            _ = try await api.send(.POST, path, query: [], body: Self.evictionBody(pod), contentType: "application/json")
        } catch {
            throw Self.actuationError(error, operation: "eviction", pod: pod)
        }
    }

    /// `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":N,"namespace":NS}}`.
    public static func evictionBody(_ pod: PodObservation) -> [UInt8] {
        struct Metadata: Encodable { var name: String; var namespace: String }
        struct Eviction: Encodable { var apiVersion = "policy/v1"; var kind = "Eviction"; var metadata: Metadata }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding two strings cannot fail.
        let data = (try? encoder.encode(Eviction(metadata: Metadata(name: pod.name, namespace: pod.namespace)))) ?? Data()
        return Array(data)
    }

    static func actuationError(_ error: KubernetesAPIError, operation: String, pod: PodObservation) -> ActuationError {
        let name = pod.key.description
        switch (error.code, error) {
        case (404?, _):
            return .podGone(pod: name)
        case (429?, .status(let status, _)) where operation == "eviction" && Self.isDisruptionBudgetRefusal(status):
            return .evictionRefused(pod: name, message: status.message)
        default:
            return .apiFailed(operation: operation, pod: name, message: "\(error)")
        }
    }

    /// A 429 from a PodDisruptionBudget ("Cannot evict pod as it would violate the pod's disruption
    /// budget"), as opposed to API Priority and Fairness throttling, which also answers 429 and is
    /// an API failure to retry, not a budget to wait for.
    static func isDisruptionBudgetRefusal(_ status: APIStatus) -> Bool {
        status.message.localizedCaseInsensitiveContains("disruption budget")
    }
}
