import Foundation
import KubernetesAPI
import KubernetesJSON
import NIOHTTP1

/// A Kubernetes API that records each request and answers what `answer` says (200 `{}` unless told).
public final class RecordingAPI: KubernetesRequestSending, @unchecked Sendable {
    // @unchecked: `recorded` and `answer` are read and written under `lock`.
    public struct Request: Hashable, Sendable {
        public var method: String
        public var path: String
        public var contentType: String?
        public var body: String

        public init(method: String, path: String, contentType: String?, body: String) {
            self.method = method
            self.path = path
            self.contentType = contentType
            self.body = body
        }
    }

    private let lock = NSLock()
    private var recorded: [Request] = []
    private var answer: @Sendable (Request) -> Int = { _ in 200 }

    public init() {}

    /// The requests so far, in order.
    public var requests: [Request] { lock.withLock { recorded } }

    /// Answers each request with the HTTP status `status` gives (2xx: `{}`; otherwise a Status).
    public func answer(_ status: @escaping @Sendable (Request) -> Int) {
        lock.withLock { answer = status }
    }

    public func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?,
              contentType: String?) async throws(KubernetesAPIError) -> [UInt8] {
        let request = Request(method: method.rawValue, path: path, contentType: contentType,
                              body: String(decoding: body ?? [], as: UTF8.self))
        let code = lock.withLock {
            recorded.append(request)
            return answer(request)
        }
        guard code / 100 != 2 else { return Array("{}".utf8) }
        let reason = [404: "NotFound", 409: "Conflict", 422: "Invalid", 429: "TooManyRequests"][code] ?? "InternalError"
        let message = code == 429 ? "Cannot evict pod as it would violate the pod's disruption budget." : "answer \(code)"
        throw .status(APIStatus(code: code, reason: reason, message: "\(method) \(path): \(message)"), retryAfter: nil)
    }
}
