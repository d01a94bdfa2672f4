/// TLS for an `RPCClient` (`--tls-ca F [--tls-cert F --tls-key F] [--tls-server-name NAME]`). The
/// server's certificate must be signed by a CA in `certificateAuthorityFile` and name the host the
/// client dials (a DNS name, or an IP address SAN for an address such as 127.0.0.1), or
/// `serverName` when given. The files are re-read when they change.
public struct RPCClientTLS: Hashable, Sendable {
    /// The CA certificates that may sign the server's certificate, PEM.
    public var certificateAuthorityFile: String
    /// The client's certificate, PEM, for a server that requires one (mutual TLS).
    public var certificateFile: String?
    /// The client certificate's private key, PEM.
    public var privateKeyFile: String?
    /// The name checked against the server certificate's names instead of the dialled host, and
    /// sent in SNI: for a server reached by an address its certificate does not name (a Service IP).
    public var serverName: String?

    public init(certificateAuthorityFile: String, certificateFile: String? = nil, privateKeyFile: String? = nil,
                serverName: String? = nil) {
        self.certificateAuthorityFile = certificateAuthorityFile
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.serverName = serverName
    }

    /// The files whose changes trigger a reload.
    var files: [String] { [certificateAuthorityFile] + [certificateFile, privateKeyFile].compactMap { $0 } }

    /// The name to verify and to send in SNI when dialling `endpoint`: `serverName`, else the host
    /// when it is a name; nil for an IP address, which is checked against the certificate's IP SANs
    /// (an address may not be sent in SNI). A Unix socket has no host: `localhost` unless
    /// `serverName` says otherwise.
    func hostname(for endpoint: RPCEndpoint) -> String? {
        if let serverName { return serverName }
        switch endpoint {
        case .unix: return "localhost"
        case .tcp(let host, _): return Self.isIPAddress(host) ? nil : host
        }
    }

    /// The name the server's certificate is checked against, for messages.
    func checkedName(for endpoint: RPCEndpoint) -> String {
        if let name = hostname(for: endpoint) { return name }
        if case .tcp(let host, _) = endpoint { return host }
        return "localhost"
    }

    static func isIPAddress(_ host: String) -> Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}
