import AsyncHTTPClient
import Foundation
import KubernetesJSON
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client of the Kubernetes API server: LIST pages, WATCH streams decoded event by event as they
/// arrive, and the few writes vpa-store makes (resize, eviction, VPA status, Leases).
///
/// Objects are decoded by KubernetesJSON, the decoders `vpa-store ingest` uses: one Pod model.
/// Every call is bounded by a deadline; a WATCH by its `timeoutSeconds` plus a margin.
public final class KubernetesClient: Sendable {
    /// Where the calls go and with what credentials.
    public let connection: ClusterConnection
    private let http: HTTPClient
    /// Deadline of calls other than WATCH.
    public let requestTimeout: Duration
    /// The largest answer (or single watch event) read into memory.
    public static let maxAnswerBytes = 64 << 20

    /// A client of `connection`'s server.
    ///
    /// - Throws: when the certificate or key material does not parse (naming where it came from).
    /// - Parameter readIdleTimeout: A call that receives no byte for this long fails. An API server
    ///   ends every watch by its `timeoutSeconds` (at most 600 s as the reflector asks), so a
    ///   healthy stream is never idle this long; a connection that died without a reset (a host
    ///   gone, a NAT entry dropped) is noticed within it instead of never.
    public init(connection: ClusterConnection, requestTimeout: Duration = .seconds(30),
                readIdleTimeout: Duration = .seconds(660)) throws(ClusterConnectionError) {
        self.connection = connection
        self.requestTimeout = requestTimeout
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = connection.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if let certificate = connection.clientCertificatePEM, let key = connection.clientKeyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw ClusterConnectionError("\(connection.origin): the certificate or key material does not parse as PEM: \(error)")
        }
        if connection.insecureSkipTLSVerify { tls.certificateVerification = .none }
        let idle = readIdleTimeout.components
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)))
        // A connection that cannot be made (refused, wrong CA) fails the call at once: the reflector
        // backs off itself and logs why, instead of the pool retrying silently until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Closes the connections. Call once, when done.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: LIST and WATCH

    /// One page of a LIST of `resource` (all namespaces when `namespace` is nil).
    ///
    /// - Parameters:
    ///   - limit: Items per page (the server may send fewer); nil for all at once.
    ///   - continueToken: The previous page's `continue`, nil for the first page.
    public func list(_ resource: APIResource, namespace: String? = nil, fieldSelector: String? = nil,
                     limit: Int? = 500, continueToken: String? = nil) async throws(KubernetesAPIError) -> APIListPage {
        var query: [(String, String)] = []
        if let limit { query.append(("limit", "\(limit)")) }
        if let continueToken { query.append(("continue", continueToken)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        let body = try await send(.GET, resource.collectionPath(namespace: namespace), query: query)
        do throws(KubernetesInputError) {
            return try APIResponseDecoder.listPage(body, itemKind: resource.kind, source: "LIST \(resource)")
        } catch {
            throw .decoding(error)
        }
    }

    /// Watches `resource` from `resourceVersion` with bookmarks, handing each event to `handle` as
    /// it arrives (the answer is never held whole), until the server ends the stream (its
    /// `timeoutSeconds`), `handle` returns false, or the task is cancelled.
    ///
    /// - Throws: `.status` for an error answer (410 when the version is too old), `.transport` when
    ///   the connection fails or drops mid-stream, `.decoding` for a line that is not a watch event.
    ///   A watch `ERROR` event is handed to `handle`, not thrown.
    public func watch(_ resource: APIResource, namespace: String? = nil, fieldSelector: String? = nil,
                      resourceVersion: String, timeoutSeconds: Int,
                      handle: (APIWatchEvent) async -> Bool) async throws(KubernetesAPIError) {
        var query: [(String, String)] = [("watch", "1"), ("allowWatchBookmarks", "true"),
                                         ("timeoutSeconds", "\(timeoutSeconds)")]
        if !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        let path = resource.collectionPath(namespace: namespace)
        let response = try await start(.GET, path, query: query, body: nil, contentType: nil,
                                       deadline: .seconds(Int64(timeoutSeconds) + 30))
        guard response.status.code / 100 == 2 else {
            throw await Self.failure(response, method: .GET, path: path)
        }
        let source = "WATCH \(resource)"
        var lines = LineSplitter(maxLineBytes: Self.maxAnswerBytes)
        do {
            for try await chunk in response.body {
                try Task.checkCancellation()
                var stop = false
                try await lines.append(chunk) { line in
                    guard !stop else { return }
                    let event: APIWatchEvent
                    do throws(KubernetesInputError) {
                        event = try APIResponseDecoder.watchEvent(line, itemKind: resource.kind, source: source)
                    } catch {
                        throw KubernetesAPIError.decoding(error)
                    }
                    if await !handle(event) { stop = true }
                }
                if stop { return }
            }
        } catch let error as KubernetesAPIError {
            throw error
        } catch is CancellationError {
            return
        } catch {
            throw .transport("\(source): the stream broke: \(Self.describe(error))")
        }
    }

    // MARK: Writes and single objects

    /// Sends a request and returns the answer's body (any 2xx), or throws the server's `Status`.
    @discardableResult
    public func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                     body: [UInt8]? = nil, contentType: String? = nil) async throws(KubernetesAPIError) -> [UInt8] {
        let response = try await start(method, path, query: query, body: body, contentType: contentType,
                                       deadline: requestTimeout)
        guard response.status.code / 100 == 2 else {
            throw await Self.failure(response, method: method, path: path)
        }
        do {
            let buffer = try await response.body.collect(upTo: Self.maxAnswerBytes)
            return Array(buffer.readableBytesView)
        } catch {
            throw .transport("\(method) \(path): reading the answer failed: \(Self.describe(error))")
        }
    }

    private func start(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?,
                       contentType: String?, deadline: Duration) async throws(KubernetesAPIError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: connection.server + path + Self.queryString(query))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "vpa-store")
        do throws(ClusterConnectionError) {
            if let token = try connection.token?.current() {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
        } catch {
            throw .configuration(error)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let (seconds, attoseconds) = deadline.components
        let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        do {
            return try await http.execute(request, timeout: timeout)
        } catch {
            throw .transport("\(method) \(connection.server)\(path): \(describeConnectionFailure(error))")
        }
    }

    private func describeConnectionFailure(_ error: any Error) -> String {
        let text = Self.describe(error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return "TLS: the server's certificate is not signed by the certificate authority of \(connection.origin) (\(text))"
        }
        if text.contains("handshake") || text.contains("SSL") || text.contains("TLS") {
            return "TLS handshake failed (\(connection.origin)): \(text)"
        }
        return text
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }

    /// The error an answer that is not 2xx stands for: its `Status` when the body is one, with `Retry-After`.
    private static func failure(_ response: HTTPClientResponse, method: HTTPMethod, path: String) async -> KubernetesAPIError {
        let body = (try? await response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
        var status = APIResponseDecoder.status(body)
            ?? APIStatus(code: Int(response.status.code), reason: response.status.reasonPhrase,
                         message: String(decoding: body.prefix(200), as: UTF8.self))
        if status.code == 0 { status.code = Int(response.status.code) }
        status.message = "\(method) \(path): " + status.message
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }.map { Duration.seconds($0) }
        return .status(status, retryAfter: retryAfter)
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?" + query.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}

/// What went wrong talking to the API server.
public enum KubernetesAPIError: Error, Sendable, CustomStringConvertible {
    /// The server answered an error `Status` (with `Retry-After`, when it sent one).
    case status(APIStatus, retryAfter: Duration?)
    /// No answer: connection refused, TLS failure, timeout, a stream that broke.
    case transport(String)
    /// An answer that is not what the API promises (not a list, not a watch event).
    case decoding(KubernetesInputError)
    /// The credentials could not be read (a token file that vanished).
    case configuration(ClusterConnectionError)

    /// The HTTP status code, for `.status`.
    public var code: Int? {
        if case .status(let status, _) = self { return status.code }
        return nil
    }

    /// True when retrying later can help: transport failures, 429, 5xx, and 404 of an API that may
    /// yet be installed (a CRD).
    public var isRetryable: Bool {
        switch self {
        case .transport, .configuration: true
        case .status(let status, _): status.code == 429 || status.code >= 500 || status.code == 404
        case .decoding: false
        }
    }

    public var description: String {
        switch self {
        case .status(let status, _): "the API server answered \(status)"
        case .transport(let message): message
        case .decoding(let error): "the API server's answer does not decode: \(error)"
        case .configuration(let error): "\(error)"
        }
    }
}

/// Splits a byte stream into lines (one watch event per line), keeping at most one partial line.
struct LineSplitter {
    private var pending: [UInt8] = []
    let maxLineBytes: Int

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func append(_ chunk: ByteBuffer, _ line: ([UInt8]) async throws -> Void) async throws {
        var view = chunk.readableBytesView[...]
        while let newline = view.firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: view[view.startIndex..<newline])
            view = view[view.index(after: newline)...]
            if !pending.isEmpty, pending.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) {
                try await line(pending)
            }
            pending.removeAll(keepingCapacity: true)
        }
        pending.append(contentsOf: view)
        if pending.count > maxLineBytes {
            throw KubernetesAPIError.transport("a watch event is larger than \(maxLineBytes) bytes")
        }
    }
}
