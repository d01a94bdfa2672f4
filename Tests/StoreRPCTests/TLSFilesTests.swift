import Foundation
import Logging
import StoreAPI
import StoreRPC
import StoreWire
import TLSTestSupport
import Testing

/// The certificate files: refused at start with the file and the reason, re-read when rotated.
@Suite struct TLSFilesTests {
    /// The error `bind` throws for `tls`, or nil when it binds.
    func startError(_ tls: RPCServerTLS) async throws -> TLSSetupError? {
        do {
            let server = try await RunningServer.start(tls: tls, logger: LogRecorder().logger)
            await server.stop()
            return nil
        } catch let error as TLSSetupError {
            return error
        }
    }

    @Test func aMissingFileIsNamed() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let missing = fixture.files.path("nowhere.crt")
        let error = try #require(try await startError(RPCServerTLS(certificateFile: missing, privateKeyFile: fixture.serverKeyFile)))
        #expect(error.description == "--tls-cert \(missing): the file does not exist")
        let missingCA = fixture.files.path("no-ca.crt")
        let caError = try #require(try await startError(RPCServerTLS(certificateFile: fixture.serverCertificateFile,
                                                                     privateKeyFile: fixture.serverKeyFile,
                                                                     clientCertificateAuthorityFile: missingCA)))
        #expect(caError.description == "--tls-client-ca \(missingCA): the file does not exist")
    }

    @Test func aFileThatIsNotPEMIsNamed() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let garbage = try fixture.files.write("this is not a certificate\n", to: "garbage.crt")
        let error = try #require(try await startError(RPCServerTLS(certificateFile: garbage, privateKeyFile: fixture.serverKeyFile)))
        #expect(error.flag == "--tls-cert" && error.path == garbage)
        #expect(error.reason.contains("is not a PEM file"))
        // A key given as the certificate, and the other way round.
        let swapped = try #require(try await startError(RPCServerTLS(certificateFile: fixture.serverKeyFile,
                                                                     privateKeyFile: fixture.serverCertificateFile)))
        #expect(swapped.description == "--tls-cert \(fixture.serverKeyFile): holds no certificate (no -----BEGIN CERTIFICATE----- block); is it a key?")
    }

    @Test func aKeyOfAnotherCertificateIsRefused() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let (_, otherKey) = try fixture.files.write(try fixture.serverCA.issue(.server(hosts: ["127.0.0.1"]), commonName: "other"),
                                                    prefix: "other")
        let error = try #require(try await startError(RPCServerTLS(certificateFile: fixture.serverCertificateFile,
                                                                   privateKeyFile: otherKey)))
        #expect(error.description == "--tls-key \(otherKey): this key does not belong to the certificate in --tls-cert "
                + "\(fixture.serverCertificateFile); give the key the certificate was issued for")
    }

    @Test func aClientWithABadFileFailsItsCallNamingTheFile() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let server = try await RunningServer.start(tls: fixture.serverTLS(), logger: LogRecorder().logger)
        let missing = fixture.files.path("missing-ca.crt")
        let client = server.client(tls: RPCClientTLS(certificateAuthorityFile: missing))
        await #expect { _ = try await client.echo("x") } throws: { error in
            (error as? RPCStatus) == RPCStatus(.failedPrecondition, "--tls-ca \(missing): the file does not exist")
        }
        await server.stop()
    }

    /// cert-manager replaces the Secret's files; the next connection gets the new certificate,
    /// the open one keeps its session, and files that cannot be used keep the last good ones.
    @Test func aRotatedCertificateIsServedToNewConnections() async throws {
        let fixture = try TLSFixture()
        defer { fixture.files.remove() }
        let log = LogRecorder()
        let server = try await RunningServer.start(tls: fixture.serverTLS(), logger: log.logger)
        let before = server.client(tls: fixture.clientTLS())
        #expect(try await before.echo("before") == "before")

        // A new CA and certificate, written over the served files.
        let newCA = try TestCertificateAuthority(name: "rotated CA")
        let newCAFile = try fixture.files.write(newCA, to: "rotated-ca.crt")
        let rotated = try newCA.issue(.server(hosts: ["127.0.0.1"]), commonName: "rotated")
        try fixture.files.write(rotated.privateKeyPEM, to: "server.key")
        try fixture.files.write(rotated.certificatePEM, to: "server.crt")

        let trustingNew = server.client(tls: RPCClientTLS(certificateAuthorityFile: newCAFile))
        #expect(try await trustingNew.echo("after") == "after")
        await trustingNew.close()
        let trustingOld = server.client(tls: fixture.clientTLS())
        await #expect { _ = try await trustingOld.echo("x") } throws: { error in
            (error as? RPCStatus)?.message.contains("issued by CN=rotated CA") == true
        }
        // The connection opened before the rotation still works.
        #expect(try await before.echo("still") == "still")
        await before.close()
        #expect(await log.line(containing: "Reloaded the TLS certificate files") != nil, "\(log.all)")

        // A key that does not match: the last good certificate stays, with a warning.
        try fixture.files.write(try newCA.issue(.server(hosts: ["127.0.0.1"]), commonName: "mismatch").privateKeyPEM,
                                to: "server.key")
        let stillServed = server.client(tls: RPCClientTLS(certificateAuthorityFile: newCAFile))
        #expect(try await stillServed.echo("kept") == "kept")
        await stillServed.close()
        #expect(await log.line(containing: "warning", "keep the previous certificate", "this key does not belong") != nil,
                "\(log.all)")
        await server.stop()
    }
}
