import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import SimulatorAPI

/// An HTTPS client of the simulated API server that trusts its CA and sends its token.
final class APITestClient: Sendable {
    /// One whole response.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        /// The body parsed as a JSON object.
        var json: [String: any Sendable] {
            get throws { try parseJSONObject(body) }
        }
    }

    let http: HTTPClient
    let baseURL: String
    let token: String

    init(server: SimulatedAPIServer) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(server.certificateAuthorityPEM.utf8)))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        baseURL = server.serverURL
        token = server.token
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// Sends a request and reads the whole answer.
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
              token: String? = nil) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? self.token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return Response(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    func get(_ path: String) async throws -> Response {
        try await send(.GET, path)
    }

    /// Opens a watch and collects its events in the background.
    func watch(_ path: String) async throws -> WatchReader {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await http.execute(request, timeout: .seconds(60))
        return WatchReader(status: Int(response.status.code), body: response.body)
    }
}

/// The events of one watch, read as they arrive by a background task.
final class WatchReader: Sendable {
    /// How the stream ended, once it did.
    enum Ending: Sendable, Equatable {
        case clean
        case failed(String)
    }

    let status: Int
    private let state = NIOLockedValueBox<(lines: [String], ending: Ending?)>(([], nil))
    private let task: Task<Void, Never>

    init(status: Int, body: HTTPClientResponse.Body) {
        self.status = status
        let state = self.state
        task = Task {
            var pending: [UInt8] = []
            do {
                for try await buffer in body {
                    pending += buffer.readableBytesView
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: pending[..<newline], as: UTF8.self)
                        pending.removeSubrange(...newline)
                        state.withLockedValue { $0.lines.append(line) }
                    }
                }
                state.withLockedValue { $0.ending = .clean }
            } catch {
                state.withLockedValue { $0.ending = .failed("\(error)") }
            }
        }
    }

    /// The events so far, parsed.
    var events: [[String: any Sendable]] {
        lines.compactMap { try? parseJSONObject(Array($0.utf8)) }
    }

    /// The event lines so far, as received.
    var lines: [String] { state.withLockedValue { $0.lines } }

    var ending: Ending? { state.withLockedValue { $0.ending } }

    /// Waits until `condition` holds for the events so far, or `timeout` passes; returns whether it held.
    @discardableResult
    func wait(timeout: Duration = .seconds(10), until condition: ([[String: any Sendable]]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(events) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(events)
    }

    /// Waits for the stream to end; returns how it ended, or nil at the timeout.
    func waitForEnd(timeout: Duration = .seconds(10)) async -> Ending? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, ending == nil { try? await Task.sleep(for: .milliseconds(20)) }
        return ending
    }

    func cancel() { task.cancel() }
}

/// Parses a JSON object.
func parseJSONObject(_ bytes: [UInt8]) throws -> [String: any Sendable] {
    guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
        throw JSONShapeError(text: String(decoding: bytes.prefix(200), as: UTF8.self))
    }
    return object.mapValues { sendable($0) }
}

private func sendable(_ value: Any) -> any Sendable {
    switch value {
    case let object as [String: Any]: return object.mapValues { sendable($0) }
    case let array as [Any]: return array.map { sendable($0) }
    case let string as String: return string
    case let number as NSNumber: return number.int64Value == Int64(number.doubleValue) ? number.int64Value : number.doubleValue
    default: return "\(value)"
    }
}

struct JSONShapeError: Error {
    var text: String
}

/// `value["a"]["b"]…` in parsed JSON.
func field(_ value: (any Sendable)?, _ path: String...) -> (any Sendable)? {
    var current = value
    for key in path {
        if let index = Int(key), let array = current as? [any Sendable] {
            current = array.indices.contains(index) ? array[index] : nil
        } else {
            current = (current as? [String: any Sendable])?[key]
        }
    }
    return current
}
