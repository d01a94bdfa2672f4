import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import StoreAPI
import StoreRPC
import StoreWire
import TLSTestSupport

/// Answers every hello and echoes each call's payload: the TLS tests exercise the transport only.
struct EchoService: RPCService {
    static let method = "/test.Echo/Echo"

    func welcome(_ hello: Frame.Hello, peer: String) async throws(RPCStatus) -> Frame.Welcome {
        Frame.Welcome(serverVersion: "test", storeID: "tls-test", headPosition: 0, maxFrameBytes: 4 << 20)
    }

    func handle(_ call: ServerCall) async throws {
        try await call.respond(call.payload)
    }
}

/// Log lines kept in memory, so a test can assert what the server said about a refused client.
final class LogRecorder: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    /// A logger that records into this recorder at `debug` and above.
    var logger: Logger {
        Logger(label: "tls-test") { _ in RecordingLogHandler(recorder: self) }
    }

    func record(_ line: String) { lines.withLockedValue { $0.append(line) } }

    var all: [String] { lines.withLockedValue { $0 } }

    /// Waits up to five seconds for a line containing every one of `parts` (the server logs on its
    /// own event loop, after the client has seen the failure).
    func line(containing parts: String...) async -> String? {
        for _ in 0..<500 {
            if let line = all.first(where: { line in parts.allSatisfy { line.contains($0) } }) { return line }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        recorder.record("\(event.level) \(event.message) \(fields.joined(separator: " "))")
    }
}

/// A server CA, a server certificate for 127.0.0.1 and localhost, a client CA and a client
/// certificate, as PEM files in a temporary directory.
struct TLSFixture {
    let files: TLSFiles
    let serverCA: TestCertificateAuthority
    let clientCA: TestCertificateAuthority
    let serverCAFile: String
    let clientCAFile: String
    let serverCertificateFile: String
    let serverKeyFile: String
    let clientCertificateFile: String
    let clientKeyFile: String

    init() throws {
        files = try TLSFiles()
        serverCA = try TestCertificateAuthority(name: "server CA")
        clientCA = try TestCertificateAuthority(name: "client CA")
        serverCAFile = try files.write(serverCA, to: "server-ca.crt")
        clientCAFile = try files.write(clientCA, to: "client-ca.crt")
        (serverCertificateFile, serverKeyFile) = try files.write(
            serverCA.issue(.server(hosts: ["127.0.0.1", "localhost"]), commonName: "vpa-store"), prefix: "server")
        (clientCertificateFile, clientKeyFile) = try files.write(clientCA.issue(.client, commonName: "vpa-recommender"),
                                                                 prefix: "client")
    }

    /// TLS, or mutual TLS with `clientCA`, with the server certificate files.
    func serverTLS(mutual: Bool = false) -> RPCServerTLS {
        RPCServerTLS(certificateFile: serverCertificateFile, privateKeyFile: serverKeyFile,
                     clientCertificateAuthorityFile: mutual ? clientCAFile : nil)
    }

    /// Trusts the server CA; with `certificate`, presents the client certificate.
    func clientTLS(certificate: Bool = false, serverName: String? = nil) -> RPCClientTLS {
        RPCClientTLS(certificateAuthorityFile: serverCAFile, certificateFile: certificate ? clientCertificateFile : nil,
                     privateKeyFile: certificate ? clientKeyFile : nil, serverName: serverName)
    }
}

/// An `RPCServer` of `EchoService` on 127.0.0.1 port 0, running until `stop`.
struct RunningServer {
    let server: RPCServer
    let port: Int
    let running: Task<Void, any Error>

    static func start(tls: RPCServerTLS?, token: String? = nil, listen: RPCEndpoint = .tcp(host: "127.0.0.1", port: 0),
                      logger: Logger) async throws -> RunningServer {
        var configuration = RPCServerConfiguration(listen: listen, shutdownGrace: .seconds(1),
                                                   requiredToken: token)
        configuration.tls = tls
        let server = RPCServer(configuration: configuration, service: EchoService(), logger: logger)
        let address = try await server.bind()
        let running = Task { try await server.run() }
        return RunningServer(server: server, port: address?.port ?? 0, running: running)
    }

    var endpoint: RPCEndpoint { .tcp(host: "127.0.0.1", port: port) }

    /// How long a test client waits for the hello (TLS handshake included). Generous, as
    /// `TestServer.handshakeDeadline` is: these servers run in the test process, whose two pool
    /// threads other tests can hold for seconds; a refused handshake still fails at once.
    static let handshakeDeadline: Duration = .seconds(60)

    /// A client of this server that tries once (a refusal is the answer, not a reason to retry).
    func client(tls: RPCClientTLS?, token: String = "", host: String = "127.0.0.1", endpoint: RPCEndpoint? = nil) -> RPCClient {
        RPCClient(configuration: RPCClientConfiguration(endpoint: endpoint ?? .tcp(host: host, port: port), peerName: "tls-test",
                                                        token: token,
                                                        connectTimeout: Self.handshakeDeadline, connectAttempts: 1, tls: tls),
                  logger: Logger(label: "tls-test-client") { _ in SwiftLogNoOpLogHandler() })
    }

    func stop() async {
        server.shutdown()
        _ = try? await running.value
    }
}

extension RPCClient {
    /// One echo call; the bytes that came back.
    func echo(_ text: String) async throws(RPCStatus) -> String {
        String(decoding: try await unary(EchoService.method, Array(text.utf8), timeout: .seconds(5)), as: UTF8.self)
    }
}
