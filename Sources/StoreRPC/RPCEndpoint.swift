/// Where a server listens or a client connects: a TCP host and port, or a Unix socket path.
public enum RPCEndpoint: Hashable, Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// The port `vpa-store serve` listens on by default.
    public static let defaultPort = 7373

    /// Parses "HOST:PORT", "[IPv6]:PORT", ":PORT" (loopback) or "unix:/path/to/socket".
    public init?(parsing text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self = .tcp(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }

    /// Whether only this machine can reach the endpoint: a Unix socket, `localhost`, or an address
    /// in 127.0.0.0/8 or `::1`. Anything else (a wildcard such as `0.0.0.0` or `::` included) may be
    /// reachable from the network.
    public var isLoopbackOnly: Bool {
        switch self {
        case .unix: return true
        case .tcp(let host, _):
            if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        }
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}
