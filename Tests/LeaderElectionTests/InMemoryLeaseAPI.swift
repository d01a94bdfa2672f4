import Foundation
import KubernetesAPI
import KubernetesJSON
import LeaderElection
import NIOHTTP1

/// Leases as the API server keeps them, in memory: GET, POST (409 when it exists), PUT (409 when
/// the body's resourceVersion is not the current one), every write a new resourceVersion. `down`
/// makes every request fail as an unreachable server does.
final class InMemoryLeaseAPI: KubernetesRequestSending, @unchecked Sendable {
    // @unchecked: every field is read and written under `lock`.
    private let lock = NSLock()
    private var leases: [String: [String: Any]] = [:]
    private var version = 0
    private var isDown = false
    private var interfering = false
    private var writes: [(method: String, holder: String)] = []

    var down: Bool {
        get { lock.withLock { isDown } }
        set { lock.withLock { isDown = newValue } }
    }

    /// When set, the next PUT finds that another writer changed the lease since it was read (409).
    func interfereWithNextPut() { lock.withLock { interfering = true } }

    /// PUT and POST requests that succeeded, with the holder they wrote ("" when released).
    var successfulWrites: [(method: String, holder: String)] { lock.withLock { writes } }

    /// The lease's spec as stored, or nil.
    func spec(namespace: String, name: String) -> [String: Any]? {
        lock.withLock { leases["\(namespace)/\(name)"]?["spec"] as? [String: Any] }
    }

    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?,
              contentType: String?) async throws(KubernetesAPIError) -> [UInt8] {
        let result: Result<[UInt8], KubernetesAPIError> = lock.withLock { handle(method, path, body) }
        return try result.get()
    }

    private func failure(_ code: Int, _ reason: String, _ message: String) -> Result<[UInt8], KubernetesAPIError> {
        .failure(.status(APIStatus(code: code, reason: reason, message: message), retryAfter: nil))
    }

    private func handle(_ method: HTTPMethod, _ path: String, _ body: [UInt8]?) -> Result<[UInt8], KubernetesAPIError> {
        if isDown { return .failure(.transport("connection refused")) }
        let parts = path.split(separator: "/").map(String.init)
        // apis coordination.k8s.io v1 namespaces NS leases [NAME]
        guard parts.count >= 6, parts[0] == "apis", parts[1] == "coordination.k8s.io", parts[3] == "namespaces",
              parts[5] == "leases" else { return failure(404, "NotFound", "no such resource \(path)") }
        let namespace = parts[4]
        func decoded() -> [String: Any]? {
            body.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        }
        func store(_ object: [String: Any], key: String) -> [UInt8] {
            version += 1
            var object = object
            var metadata = object["metadata"] as? [String: Any] ?? [:]
            metadata["resourceVersion"] = String(version)
            object["metadata"] = metadata
            leases[key] = object
            let spec = object["spec"] as? [String: Any]
            writes.append((method.rawValue, spec?["holderIdentity"] as? String ?? ""))
            return Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
        }
        switch (method, parts.count) {
        case (.GET, 7):
            guard let object = leases["\(namespace)/\(parts[6])"] else { return failure(404, "NotFound", "lease not found") }
            return .success(Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data()))
        case (.POST, 6):
            guard let object = decoded(), let name = (object["metadata"] as? [String: Any])?["name"] as? String else {
                return failure(400, "BadRequest", "not a lease")
            }
            let key = "\(namespace)/\(name)"
            guard leases[key] == nil else { return failure(409, "AlreadyExists", "leases \"\(name)\" already exists") }
            return .success(store(object, key: key))
        case (.PUT, 7):
            let key = "\(namespace)/\(parts[6])"
            guard let object = decoded() else { return failure(400, "BadRequest", "not a lease") }
            guard let current = leases[key] else { return failure(404, "NotFound", "lease not found") }
            if interfering {
                interfering = false
                version += 1
                var changed = current
                changed["metadata"] = (current["metadata"] as? [String: Any] ?? [:]).merging(["resourceVersion": String(version)]) { $1 }
                leases[key] = changed
            }
            let latest = leases[key] ?? current
            let sent = (object["metadata"] as? [String: Any])?["resourceVersion"] as? String
            let stored = (latest["metadata"] as? [String: Any])?["resourceVersion"] as? String
            guard sent == stored else {
                return failure(409, "Conflict", "the object has been modified; please apply your changes to the latest version")
            }
            return .success(store(object, key: key))
        default:
            return failure(405, "MethodNotAllowed", "\(method) \(path)")
        }
    }
}
