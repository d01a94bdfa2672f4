import ArgumentParser
import StoreRPC

/// `--tls-ca FILE [--tls-cert FILE --tls-key FILE] [--tls-server-name NAME]`: TLS to a vpa-store
/// server, for every command that connects to one (`ingest`/`query --server`, `feed`, the
/// recommender, the updater).
public struct StoreTLSOptions: ParsableArguments {
    @Option(name: .customLong("tls-ca"), help: ArgumentHelp(
        "Connect to the server with TLS; its certificate must be signed by a CA in this PEM file.", valueName: "file"))
    public var certificateAuthorityFile: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "Present this certificate (PEM) to a server that requires one (its --tls-client-ca).", valueName: "file"))
    public var certificateFile: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The private key of --tls-cert (PEM).", valueName: "file"))
    public var privateKeyFile: String?

    @Option(name: .customLong("tls-server-name"), help: ArgumentHelp(
        "Check the server's certificate for this name instead of the host in --server.",
        discussion: "For a server reached by an address its certificate does not name, such as a Service IP.",
        valueName: "name"))
    public var serverName: String?

    public init() {}

    public func validate() throws {
        if certificateAuthorityFile == nil, certificateFile != nil || privateKeyFile != nil || serverName != nil {
            throw ValidationError("--tls-cert, --tls-key and --tls-server-name are for a TLS connection: add --tls-ca FILE, "
                                  + "the CA that signed the server's certificate")
        }
        if (certificateFile == nil) != (privateKeyFile == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both, the client certificate and its key")
        }
    }

    /// The client's TLS settings; nil without `--tls-ca` (plaintext).
    public var configuration: RPCClientTLS? {
        certificateAuthorityFile.map {
            RPCClientTLS(certificateAuthorityFile: $0, certificateFile: certificateFile, privateKeyFile: privateKeyFile,
                         serverName: serverName)
        }
    }
}
