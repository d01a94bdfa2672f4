import NIOHTTP1

/// A request to an operations endpoint, as a page handler sees it.
public struct OperationsRequest: Sendable {
    public var method: HTTPMethod
    /// The path, without the query.
    public var path: String
    /// The query's parameters, `+` and `%XX` decoded, in order.
    public var query: [(name: String, value: String)]
    public var headers: HTTPHeaders

    public init(method: HTTPMethod, path: String, query: [(name: String, value: String)] = [], headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    init(head: HTTPRequestHead) {
        let uri = head.uri
        let questionMark = uri.firstIndex(of: "?")
        let query = questionMark.map { uri[uri.index(after: $0)...] } ?? ""
        self.init(method: head.method, path: String(uri[..<(questionMark ?? uri.endIndex)]),
                  query: Self.parameters(String(query)), headers: head.headers)
    }

    /// The first value of the parameter `name`, if the query has it.
    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// `a=1&b=x%2Fy` → [("a", "1"), ("b", "x/y")], as browsers encode forms.
    static func parameters(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// `%XX` and `+` decoded; a `%` not followed by two hex digits is kept as it is.
    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), input.count >= 2, let high = hex(input[input.startIndex]),
                      let low = hex(input[input.startIndex + 1]) {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// What a page answers.
public struct OperationsResponse: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var body: [UInt8]
    /// More headers (`WWW-Authenticate`, `Cache-Control`).
    public var headers: [(name: String, value: String)]

    public init(status: HTTPResponseStatus, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A plain-text answer, a line.
    public static func text(_ status: HTTPResponseStatus, _ line: String, headers: [(name: String, value: String)] = []) -> OperationsResponse {
        OperationsResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array((line + "\n").utf8), headers: headers)
    }
}

/// A path an operations endpoint serves beside `/metrics` and the probes, with its handler.
public struct OperationsPage: Sendable {
    public var path: String
    public var respond: @Sendable (OperationsRequest) async -> OperationsResponse

    public init(path: String, respond: @escaping @Sendable (OperationsRequest) async -> OperationsResponse) {
        self.path = path
        self.respond = respond
    }
}
