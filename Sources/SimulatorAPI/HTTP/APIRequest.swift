import Foundation
import NIOHTTP1

/// One HTTP request as the router reads it.
struct APIRequest: Sendable {
    var method: HTTPMethod
    /// The path's segments, percent-decoded (`/api/v1/pods` → `["api", "v1", "pods"]`).
    var path: [String]
    /// Query parameters, decoded; the last one wins when a name repeats.
    var query: [String: String]
    var headers: HTTPHeaders
    var body: [UInt8]

    init(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.headers = headers
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = (parts.first ?? "").split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        query = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                // Go's url.Values writes a space as `+`.
                func decode(_ text: Substring) -> String {
                    let spaced = text.replacingOccurrences(of: "+", with: " ")
                    return spaced.removingPercentEncoding ?? spaced
                }
                query[decode(halves[0])] = halves.count == 2 ? decode(halves[1]) : ""
            }
        }
    }

    /// A query flag given as `true` or `1`.
    func flag(_ name: String) -> Bool {
        query[name] == "true" || query[name] == "1"
    }

    /// The body as JSON; 400 when it is not JSON.
    func jsonBody() throws(APIError) -> JSON {
        do {
            return try JSON.parse(body)
        } catch {
            throw APIError.badRequest("the body of the request was in an unknown format - accepted media types include: application/json")
        }
    }

    /// The `Content-Type`'s media type, lowercased.
    var contentType: String {
        headers.first(name: "content-type")?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }
}

/// What the server answers a request with.
enum APIAnswer: Sendable {
    /// A whole response.
    case response(APIResponse)
    /// A watch: a chunked body of events written as they happen.
    case watch(WatchSubscription)
}

/// A whole response.
struct APIResponse: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    var retryAfterSeconds: Int?

    init(status: Int = 200, body: [UInt8], contentType: String = "application/json", retryAfterSeconds: Int? = nil) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.retryAfterSeconds = retryAfterSeconds
    }

    init(status: Int = 200, json: JSON) {
        self.init(status: status, body: json.bytes)
    }

    /// A failure as a Status object.
    init(_ error: APIError) {
        self.init(status: error.code, body: error.status.bytes, retryAfterSeconds: error.retryAfterSeconds)
    }
}
