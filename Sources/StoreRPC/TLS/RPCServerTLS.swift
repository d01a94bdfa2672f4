/// The TLS identity of an `RPCServer` (`vpa-store serve --tls-cert F --tls-key F [--tls-client-ca F]`):
/// PEM files, re-read when they change so that a rotated certificate (cert-manager) is served to new
/// connections without a restart. Connections already open keep the session they negotiated.
public struct RPCServerTLS: Hashable, Sendable {
    /// The server's certificate, PEM; intermediates may follow the leaf in the same file.
    public var certificateFile: String
    /// The certificate's private key, PEM.
    public var privateKeyFile: String
    /// With a file: mutual TLS. Every client must present a certificate signed by a CA in this PEM
    /// file, or the handshake fails.
    public var clientCertificateAuthorityFile: String?

    public init(certificateFile: String, privateKeyFile: String, clientCertificateAuthorityFile: String? = nil) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.clientCertificateAuthorityFile = clientCertificateAuthorityFile
    }

    /// Whether clients must present a certificate.
    public var requiresClientCertificate: Bool { clientCertificateAuthorityFile != nil }

    /// The files whose changes trigger a reload.
    var files: [String] { [certificateFile, privateKeyFile] + (clientCertificateAuthorityFile.map { [$0] } ?? []) }
}
