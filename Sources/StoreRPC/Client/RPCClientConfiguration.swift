/// How an `RPCClient` reaches a server.
public struct RPCClientConfiguration: Sendable {
    public var endpoint: RPCEndpoint
    /// Sent in the hello, for the server's logs.
    public var peerName: String
    /// Sent in the hello when the server requires a token.
    public var token: String
    /// The largest frame this client accepts from the server.
    public var maximumFrameBytes: Int
    public var connectTimeout: Duration
    /// Delay before the first reconnect attempt; doubled after each failure up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// Attempts to connect before a call fails with UNAVAILABLE.
    public var connectAttempts: Int
    /// TLS to the server (`--tls-ca`…); nil = plaintext.
    public var tls: RPCClientTLS?

    public init(endpoint: RPCEndpoint, peerName: String = "vpa-store-client", token: String = "",
                maximumFrameBytes: Int = 4 * 1024 * 1024, connectTimeout: Duration = .seconds(5),
                initialBackoff: Duration = .milliseconds(50), maximumBackoff: Duration = .seconds(2),
                connectAttempts: Int = 5, tls: RPCClientTLS? = nil) {
        self.endpoint = endpoint
        self.peerName = peerName
        self.token = token
        self.maximumFrameBytes = maximumFrameBytes
        self.connectTimeout = connectTimeout
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.connectAttempts = connectAttempts
        self.tls = tls
    }
}
