import ArgumentParser
import DaemonSupport
import Foundation
import StoreRPC

/// `--server HOST:PORT` and `--token-file`, for commands that can use a running `vpa-store serve`
/// instead of the database file.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Use the vpa-store server at this address instead of the file.",
        discussion: "HOST:PORT, or unix:/path/to/socket.", valueName: "host:port"),
            transform: ServerOptions.parseEndpoint)
    var server: RPCEndpoint?

    @Option(name: .long, help: ArgumentHelp("A file holding the token the server requires.", valueName: "file"))
    var tokenFile: String?

    @OptionGroup(title: "TLS to the server") var tls: StoreTLSOptions

    /// TLS to the server from `--tls-ca`…; nil for plaintext.
    var clientTLS: RPCClientTLS? { tls.configuration }

    static func parseEndpoint(_ text: String) throws -> RPCEndpoint {
        guard let endpoint = RPCEndpoint(parsing: text) else {
            throw ValidationError("\"\(text)\" is not an address: use HOST:PORT (such as 127.0.0.1:7373) or unix:/path")
        }
        return endpoint
    }

    /// The token from `--token-file`, without surrounding whitespace; "" without the option.
    func token() throws -> String {
        guard let tokenFile else { return "" }
        guard let data = FileManager.default.contents(atPath: tokenFile),
              let text = String(data: data, encoding: .utf8) else {
            throw CLIError("cannot read the token file \(tokenFile)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CLIError("the token file \(tokenFile) is empty") }
        return token
    }
}
