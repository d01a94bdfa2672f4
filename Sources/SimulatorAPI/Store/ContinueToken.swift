import Foundation

/// A list's `continue` token, written as the API server writes it: base64 of
/// `{"v":"meta.k8s.io/v1","rv":N,"start":"KEY\u0000"}`, naming the list's resourceVersion and the
/// key after which the next page starts.
struct ContinueToken: Sendable {
    var resourceVersion: UInt64
    /// The last key of the page the token follows.
    var lastKey: ObjectKey

    init(resourceVersion: UInt64, lastKey: ObjectKey) {
        self.resourceVersion = resourceVersion
        self.lastKey = lastKey
    }

    /// Reads a token this server wrote; 400 for anything else.
    init(decoding text: String) throws(APIError) {
        let invalid = APIError.badRequest("continue key is not valid: \(text)")
        guard let data = Data(base64Encoded: text), let json = try? JSON.parse(Array(data)),
              json["v"]?.stringValue == "meta.k8s.io/v1", case .int(let version)? = json["rv"], version > 0,
              var start = json["start"]?.stringValue
        else { throw invalid }
        if start.hasSuffix("\u{0}") { start.removeLast() }
        let parts = start.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid }
        resourceVersion = UInt64(version)
        lastKey = ObjectKey(namespace: String(parts[0]), name: String(parts[1]))
    }

    /// The token's text.
    var encoded: String {
        let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(Int64(resourceVersion)), "start": .string("\(lastKey)\u{0}")]
        return Data(json.bytes).base64EncodedString()
    }
}
