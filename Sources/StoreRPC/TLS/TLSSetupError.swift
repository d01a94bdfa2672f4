/// Why the TLS files of a server or a client cannot be used. `vpa-store serve` refuses to start
/// with it; a client's call fails with it (FAILED_PRECONDITION). Each message names the flag, the
/// file and what to do.
public struct TLSSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The flag that named the file (`--tls-cert`, `--tls-key`, `--tls-ca`, `--tls-client-ca`).
    public var flag: String
    /// The file.
    public var path: String
    /// What is wrong with it, and what to do.
    public var reason: String

    public init(flag: String, path: String, reason: String) {
        self.flag = flag
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(flag) \(path): \(reason)" }
}
