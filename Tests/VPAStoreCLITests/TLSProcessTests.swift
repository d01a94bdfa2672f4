import Foundation
import Testing
import TLSTestSupport

extension ProcessTests {
    /// `vpa-store serve` with mutual TLS, and `ingest`/`query --server` processes over it, as a user
    /// runs them with certificates from cert-manager.
    struct TLSProcessTests {
        /// A server CA and a certificate for 127.0.0.1, a client CA and a client certificate.
        struct Certificates {
            let files: TLSFiles
            let serverCA: String
            let serverCertificate: String
            let serverKey: String
            let clientCA: String
            let clientCertificate: String
            let clientKey: String

            init() throws {
                files = try TLSFiles()
                let serverAuthority = try TestCertificateAuthority(name: "store CA")
                let clientAuthority = try TestCertificateAuthority(name: "clients CA")
                serverCA = try files.write(serverAuthority, to: "ca.crt")
                clientCA = try files.write(clientAuthority, to: "client-ca.crt")
                (serverCertificate, serverKey) = try files.write(
                    serverAuthority.issue(.server(hosts: ["127.0.0.1", "localhost"]), commonName: "vpa-store"), prefix: "tls")
                (clientCertificate, clientKey) = try files.write(clientAuthority.issue(.client, commonName: "ingest"),
                                                                 prefix: "client")
            }
        }

        @Test func ingestAndQueryOverMutualTLS() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let certificates = try Certificates()
            defer { certificates.files.remove() }
            let server = try ServeCommandTests.ServeProcess(cli, ["--tls-cert", certificates.serverCertificate,
                                                                  "--tls-key", certificates.serverKey,
                                                                  "--tls-client-ca", certificates.clientCA])
            let clientTLS = ["--tls-ca", certificates.serverCA, "--tls-cert", certificates.clientCertificate,
                             "--tls-key", certificates.clientKey]
            let ingested = try cli.run(["ingest", "--server", server.address] + clientTLS + [CommandRunner.example("01-pods.json")])
            #expect(ingested.status == 0, "\(ingested.stderr)")
            let queried = try cli.run(["query", "resources", "--server", server.address] + clientTLS)
            #expect(queried.status == 0, "\(queried.stderr)")
            #expect(queried.stdout.contains("web-7d9c5"), "\(queried.stdout)")

            // Without a client certificate: refused, and the message says what to pass.
            let noCertificate = try cli.run(["query", "resources", "--server", server.address, "--tls-ca", certificates.serverCA])
            #expect(noCertificate.status != 0)
            #expect(noCertificate.stderr.contains("requires a client certificate (mutual TLS): pass --tls-cert FILE and --tls-key FILE"),
                    "\(noCertificate.stderr)")
            // Without TLS at all: told that the server requires it.
            let plaintext = try cli.run("query", "resources", "--server", server.address)
            #expect(plaintext.status != 0)
            #expect(plaintext.stderr.contains("this server requires TLS: connect with --tls-ca"), "\(plaintext.stderr)")

            let (status, log) = server.stop()
            #expect(status == 0, "serve exited \(status): \(log)")
        }

        /// The recommender and the updater reach a TLS store with the same flags as `ingest`.
        @Test func theRecommenderAndTheUpdaterConnectOverMutualTLS() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let certificates = try Certificates()
            defer { certificates.files.remove() }
            let server = try ServeCommandTests.ServeProcess(cli, ["--tls-cert", certificates.serverCertificate,
                                                                  "--tls-key", certificates.serverKey,
                                                                  "--tls-client-ca", certificates.clientCA])
            let clientTLS = ["--tls-ca", certificates.serverCA, "--tls-cert", certificates.clientCertificate,
                             "--tls-key", certificates.clientKey]
            _ = try cli.succeed("ingest", "--server", server.address, "--tls-ca", certificates.serverCA,
                                "--tls-cert", certificates.clientCertificate, "--tls-key", certificates.clientKey,
                                CommandRunner.example("01-pods.json"))
            for daemon in ["vpa-recommender", "vpa-updater"] {
                let binary = try CommandRunner.binary(named: daemon)
                let connected = try cli.run(binary, ["--server", server.address, "--once"] + clientTLS)
                #expect(connected.status == 0, "\(daemon): \(connected.stderr)")
                let plaintext = try cli.run(binary, ["--server", server.address, "--once"])
                #expect(plaintext.status != 0)
                #expect(plaintext.stderr.contains("this server requires TLS: connect with --tls-ca"), "\(daemon): \(plaintext.stderr)")
            }
            let (status, log) = server.stop()
            #expect(status == 0, "serve exited \(status): \(log)")
        }

        @Test func serveRefusesToStartOnUnusableCertificateFiles() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let certificates = try Certificates()
            defer { certificates.files.remove() }
            let missing = certificates.files.path("missing.crt")
            let refused = try cli.run("serve", "--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", certificates.serverKey)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--tls-cert \(missing): the file does not exist"), "\(refused.stderr)")
            #expect(!refused.stdout.contains("listening on"))

            let wrongKey = try cli.run("serve", "--listen", "127.0.0.1:0", "--tls-cert", certificates.serverCertificate,
                                       "--tls-key", certificates.clientKey)
            #expect(wrongKey.status != 0)
            #expect(wrongKey.stderr.contains("--tls-key \(certificates.clientKey): this key does not belong to the certificate"),
                    "\(wrongKey.stderr)")

            let halfPair = try cli.run("serve", "--listen", "127.0.0.1:0", "--tls-cert", certificates.serverCertificate)
            #expect(halfPair.status != 0)
            #expect(halfPair.stderr.contains("--tls-cert and --tls-key go together"), "\(halfPair.stderr)")

            // The in-process feed dials the server's own socket and holds no client certificate.
            let withFeed = try cli.run("serve", "--listen", "127.0.0.1:0", "--feed", "--tls-cert", certificates.serverCertificate,
                                       "--tls-key", certificates.serverKey)
            #expect(withFeed.status != 0)
            #expect(withFeed.stderr.contains("run `vpa-store feed --server HOST:PORT --tls-ca FILE"), "\(withFeed.stderr)")
        }

        /// Mutual TLS authenticates clients as a token does: a listener other machines can reach is
        /// accepted with --tls-client-ca and no token, and still refused with TLS alone.
        @Test func mutualTLSStandsInForTheTokenBeyondLoopback() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let certificates = try Certificates()
            defer { certificates.files.remove() }
            let serverTLS = ["--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey]
            let tlsOnly = try cli.run(["serve", "--listen", "0.0.0.0:0"] + serverTLS)
            #expect(tlsOnly.status != 0)
            #expect(tlsOnly.stderr.contains("--tls-client-ca"), "\(tlsOnly.stderr)")
            // Accepted past validation: it stops at a database path that cannot be opened, before binding.
            let unopenable = workspace.directory.appendingPathComponent("missing-dir/store.db").path
            let mutual = try cli.run(["serve", "--listen", "0.0.0.0:0", "--db", unopenable, "--tls-client-ca", certificates.clientCA]
                                     + serverTLS)
            #expect(mutual.status != 0)
            #expect(!mutual.stderr.contains("--insecure-listen") && mutual.stderr.contains("missing-dir"), "\(mutual.stderr)")
        }
    }
}
