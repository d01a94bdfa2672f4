import Foundation
import Logging
import StoreAPI
import StoreRPC
import StoreWire
import TLSTestSupport
import Testing

/// TLS and mutual TLS between a real `RPCServer` and `RPCClient` on 127.0.0.1, with certificates
/// made by the test: the calls that must work, and each misconfiguration's message on both sides.
@Suite struct TLSTests {
    @Test func callsAndTheTokenWorkOverTLS() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let server = try await RunningServer.start(tls: fixture.serverTLS(), token: "s3cret", logger: LogRecorder().logger)
        let client = server.client(tls: fixture.clientTLS(), token: "s3cret")
        #expect(try await client.echo("over TLS") == "over TLS")
        #expect(try await client.welcome().storeID == "tls-test")
        await client.close()

        // The token is still checked inside the TLS session.
        let wrongToken = server.client(tls: fixture.clientTLS(), token: "guess")
        await #expect { _ = try await wrongToken.echo("x") } throws: { ($0 as? RPCStatus)?.code == .unauthenticated }
        await server.stop()
    }

    @Test func localhostIsCheckedAgainstTheDNSNameAndServerNameOverridesTheHost() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let server = try await RunningServer.start(tls: fixture.serverTLS(), logger: LogRecorder().logger)
        let byName = server.client(tls: fixture.clientTLS(), host: "localhost")
        #expect(try await byName.echo("by name") == "by name")
        await byName.close()
        // Dialled by address, checked for the name the certificate holds (--tls-server-name).
        let overridden = server.client(tls: fixture.clientTLS(serverName: "localhost"))
        #expect(try await overridden.echo("overridden") == "overridden")
        await overridden.close()
        await server.stop()
    }

    /// A Unix socket has no host: the certificate is checked for `localhost` (or --tls-server-name).
    @Test func tlsOverAUnixSocketChecksLocalhost() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let socket = fixture.files.path("rpc.sock")
        let server = try await RunningServer.start(tls: fixture.serverTLS(), listen: .unix(path: socket), logger: LogRecorder().logger)
        let client = server.client(tls: fixture.clientTLS(), endpoint: .unix(path: socket))
        #expect(try await client.echo("unix") == "unix")
        await client.close()
        let otherName = server.client(tls: fixture.clientTLS(serverName: "store.example"), endpoint: .unix(path: socket))
        await #expect { _ = try await otherName.echo("x") } throws: { error in
            (error as? RPCStatus)?.message.contains("its certificate names 127.0.0.1, localhost, not store.example") == true
        }
        await server.stop()
    }

    @Test func mutualTLSAcceptsAClientCertificateSignedByTheClientCA() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: fixture.serverTLS(mutual: true), logger: log.logger)
        let client = server.client(tls: fixture.clientTLS(certificate: true))
        #expect(try await client.echo("mutual") == "mutual")
        await client.close()
        #expect(await log.line(containing: "TLS handshake", "CN=vpa-recommender") != nil, "\(log.all)")
        await server.stop()
    }

    @Test func aPlaintextClientIsToldTheServerRequiresTLS() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: fixture.serverTLS(), logger: log.logger)
        let client = server.client(tls: nil)
        await #expect { _ = try await client.echo("x") } throws: { error in
            let status = try #require(error as? RPCStatus)
            return status.code == .failedPrecondition && status.message.contains("this server requires TLS: connect with --tls-ca")
        }
        #expect(await log.line(containing: "spoke plaintext to the TLS port", "rpc.peer=") != nil, "\(log.all)")
        await server.stop()
    }

    @Test func aTLSClientOfAPlaintextServerIsToldItDoesNotSpeakTLS() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let server = try await RunningServer.start(tls: nil, logger: LogRecorder().logger)
        let client = server.client(tls: fixture.clientTLS())
        await #expect { _ = try await client.echo("x") } throws: { error in
            let message = (error as? RPCStatus)?.message ?? "\(error)"
            return message.contains("the server at 127.0.0.1:\(server.port)")
                && (message.contains("did not answer in TLS") || message.contains("closed the connection during the TLS handshake"))
        }
        await server.stop()
    }

    @Test func aServerCertificateFromAnotherCAIsRefusedNamingTheCAFile() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: fixture.serverTLS(), logger: log.logger)
        let otherCA = try fixture.files.write(try TestCertificateAuthority(name: "another CA"), to: "other-ca.crt")
        let client = server.client(tls: RPCClientTLS(certificateAuthorityFile: otherCA))
        await #expect { _ = try await client.echo("x") } throws: { error in
            let status = try #require(error as? RPCStatus)
            return status.code == .unauthenticated
                && status.message.contains("is not signed by the CA in --tls-ca \(otherCA)")
                && status.message.contains("issued by CN=server CA")
        }
        // The server says why its side of the handshake failed: the client refused the certificate.
        #expect(await log.line(containing: "Refused a TLS handshake", "the client refused this server's certificate") != nil,
                "\(log.all)")
        await server.stop()
    }

    @Test func anExpiredServerCertificateIsRefusedWithItsDate() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let now = Date()
        let expired = try fixture.serverCA.issue(.server(hosts: ["127.0.0.1"]), commonName: "expired",
                                                 notBefore: now.addingTimeInterval(-7200), notAfter: now.addingTimeInterval(-3600))
        let (certificate, key) = try fixture.files.write(expired, prefix: "expired")
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: RPCServerTLS(certificateFile: certificate, privateKeyFile: key),
                                                   logger: log.logger)
        // The server starts (a renewal may be on its way) but says so.
        #expect(await log.line(containing: "warning", "has expired", certificate) != nil, "\(log.all)")
        let client = server.client(tls: fixture.clientTLS())
        await #expect { _ = try await client.echo("x") } throws: { error in
            let status = try #require(error as? RPCStatus)
            return status.code == .unauthenticated && status.message.contains("its certificate (CN=expired) expired at ")
        }
        await server.stop()
    }

    @Test func aCertificateForAnotherHostIsRefusedNamingItsNames() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let (certificate, key) = try fixture.files.write(
            try fixture.serverCA.issue(.server(hosts: ["store.example"]), commonName: "store"), prefix: "other-host")
        let server = try await RunningServer.start(tls: RPCServerTLS(certificateFile: certificate, privateKeyFile: key),
                                                   logger: LogRecorder().logger)
        let client = server.client(tls: fixture.clientTLS())
        await #expect { _ = try await client.echo("x") } throws: { error in
            let status = try #require(error as? RPCStatus)
            return status.code == .unauthenticated
                && status.message.contains("its certificate names store.example, not 127.0.0.1")
                && status.message.contains("--tls-server-name")
        }
        let named = server.client(tls: fixture.clientTLS(serverName: "store.example"))
        #expect(try await named.echo("named") == "named")
        await named.close()
        await server.stop()
    }

    @Test func aClientWithoutACertificateIsToldTheServerRequiresOne() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: fixture.serverTLS(mutual: true), logger: log.logger)
        let client = server.client(tls: fixture.clientTLS(certificate: false))
        await #expect { _ = try await client.echo("x") } throws: { error in
            let status = try #require(error as? RPCStatus)
            return status.code == .unauthenticated
                && status.message.contains("requires a client certificate (mutual TLS): pass --tls-cert FILE and --tls-key FILE")
        }
        #expect(await log.line(containing: "Refused a TLS handshake", "rpc.peer=", "the client presented no certificate",
                               "--tls-client-ca \(fixture.clientCAFile)") != nil, "\(log.all)")
        await server.stop()
    }

    @Test func aClientCertificateNotSignedByTheClientCAIsRefused() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: fixture.serverTLS(mutual: true), logger: log.logger)
        let stranger = try TestCertificateAuthority(name: "stranger CA")
        let (certificate, key) = try fixture.files.write(try stranger.issue(.client, commonName: "intruder"), prefix: "intruder")
        let client = server.client(tls: RPCClientTLS(certificateAuthorityFile: fixture.serverCAFile, certificateFile: certificate,
                                                     privateKeyFile: key))
        await #expect { _ = try await client.echo("x") } throws: { error in
            let status = try #require(error as? RPCStatus)
            return status.code == .unauthenticated
                && status.message.contains("refused this client's certificate (--tls-cert \(certificate))")
        }
        #expect(await log.line(containing: "Refused a TLS handshake", "rpc.peer=[IPv4]127.0.0.1",
                               "the client's certificate is not signed by the CA in --tls-client-ca \(fixture.clientCAFile)") != nil,
                "\(log.all)")
        await server.stop()
    }

    @Test func anExpiredClientCertificateIsRefused() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: fixture.serverTLS(mutual: true), logger: log.logger)
        let now = Date()
        let (certificate, key) = try fixture.files.write(
            try fixture.clientCA.issue(.client, commonName: "old", notBefore: now.addingTimeInterval(-7200),
                                       notAfter: now.addingTimeInterval(-3600)), prefix: "old-client")
        let client = server.client(tls: RPCClientTLS(certificateAuthorityFile: fixture.serverCAFile, certificateFile: certificate,
                                                     privateKeyFile: key))
        await #expect { _ = try await client.echo("x") } throws: { error in
            let status = try #require(error as? RPCStatus)
            return status.code == .unauthenticated && status.message.contains("refused this client's certificate")
                && status.message.contains("expired")
        }
        #expect(await log.line(containing: "Refused a TLS handshake", "--tls-client-ca") != nil, "\(log.all)")
        await server.stop()
    }
}
