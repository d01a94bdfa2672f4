import KubernetesAPI
import NIOHTTP1

/// Sends one request to the Kubernetes API and returns the answer's body: what the leader
/// election, the updater's actuator and the recommender's status writer need of a client.
///
/// `KubernetesClient` is the implementation; tests put an in-memory API behind it, so the logic
/// that talks to the API is tested without sockets (as grpc-swift's in-process transport does).
public protocol KubernetesRequestSending: Sendable {
    /// Sends `method` to `path` (with `query` and `body` of `contentType`) and returns the answer's
    /// body for any 2xx.
    ///
    /// - Throws: `KubernetesAPIError.status` with the server's `Status` for any other answer,
    ///   `.transport` when there was none.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?,
              contentType: String?) async throws(KubernetesAPIError) -> [UInt8]
}

extension KubernetesClient: KubernetesRequestSending {}
