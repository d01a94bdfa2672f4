import ArgumentParser
import StoreRPC

/// `--server HOST:PORT [--token-file FILE] [--interval D] [--once]`: what the daemons that run a
/// loop against a vpa-store server (vpa-recommender, vpa-updater) take alike.
public struct RunnerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vpa-store server: HOST:PORT or unix:/path.", valueName: "host:port"),
            transform: DaemonCommandLine.parseEndpoint)
    public var server: RPCEndpoint

    @Option(name: .long, help: ArgumentHelp("A file holding the token the server requires.", valueName: "file"))
    public var tokenFile: String?

    @Option(name: .long, help: "Time between loops, such as 30s (default: 1m).", transform: DaemonCommandLine.parseDuration)
    public var interval: Duration = .seconds(60)

    @Flag(name: .long, help: "Run one loop and exit.")
    public var once = false

    public init() {}

    public func validate() throws {
        if interval <= .zero { throw ValidationError("--interval must be a positive duration, such as 30s or 1m") }
    }

    /// The token from `--token-file`, or "" without one.
    public func token() throws -> String { try DaemonCommandLine.token(from: tokenFile) }
}
