/// Where and how an `RPCServer` listens.
public struct RPCServerConfiguration: Sendable {
    public var listen: RPCEndpoint
    /// The largest frame accepted; a longer announced length closes the connection. gRPC's default.
    public var maximumFrameBytes: Int = 4 * 1024 * 1024
    /// A connection that has not said hello within this time is closed.
    public var handshakeTimeout: Duration = .seconds(10)
    /// How long a graceful shutdown waits for calls in flight before ending them with UNAVAILABLE.
    public var shutdownGrace: Duration = .seconds(10)
    /// When set, a hello must carry exactly this token (UNAUTHENTICATED otherwise).
    public var requiredToken: String?
    /// Connections, calls and bytes a client may hold.
    public var limits = RPCLimits()
    /// TLS on every connection (`--tls-cert`, `--tls-key`, `--tls-client-ca`); nil = plaintext.
    public var tls: RPCServerTLS?

    public init(listen: RPCEndpoint, maximumFrameBytes: Int = 4 * 1024 * 1024, shutdownGrace: Duration = .seconds(10),
                requiredToken: String? = nil) {
        self.listen = listen
        self.maximumFrameBytes = maximumFrameBytes
        self.shutdownGrace = shutdownGrace
        self.requiredToken = requiredToken
    }
}
