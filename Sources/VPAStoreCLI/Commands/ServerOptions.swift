import ArgumentParser
import DaemonSupport
import StoreRPC

/// `--server HOST:PORT` and `--token-file`, for commands that can use a running `vpa-store serve`
/// instead of the database file.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Use the vpa-store server at this address instead of the file.",
        discussion: "HOST:PORT, or unix:/path/to/socket.", valueName: "host:port"),
            transform: DaemonCommandLine.parseEndpoint)
    var server: RPCEndpoint?

    @Option(name: .long, help: ArgumentHelp("A file holding the token the server requires.", valueName: "file"))
    var tokenFile: String?

    @OptionGroup(title: "TLS to the server") var tls: StoreTLSOptions

    /// TLS to the server from `--tls-ca`…; nil for plaintext.
    var clientTLS: RPCClientTLS? { tls.configuration }

    /// The token from `--token-file`; "" without the option.
    func token() throws -> String { try Self.token(from: tokenFile) }

    /// The token in `file`, read as the daemons read theirs; "" without a file.
    static func token(from file: String?) throws -> String {
        do {
            return try DaemonCommandLine.token(from: file)
        } catch {
            // Found while the command runs, not while parsing: said without the usage text.
            throw CLIError("\(error)")
        }
    }
}
