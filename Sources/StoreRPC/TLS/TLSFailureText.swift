import NIOSSL

/// BoringSSL reports a failed handshake as a stack of reason codes (`CERTIFICATE_VERIFY_FAILED`,
/// `TLSV1_ALERT_UNKNOWN_CA`…); this turns the ones a misconfiguration produces into sentences.
enum TLSFailureText {
    /// BoringSSL's reason codes in `error`, such as `TLSV1_ALERT_UNKNOWN_CA`.
    static func reasons(_ error: any Error) -> String { "\(error)" }

    /// Whether `error` carries one of `codes`.
    static func has(_ error: any Error, _ codes: String...) -> Bool {
        let text = reasons(error)
        return codes.contains { text.contains($0) }
    }

    /// Why the server's side of a handshake failed, for its log. `quiet` for a peer that simply
    /// left (a port probe, or a client's diagnostic connection after it refused the certificate).
    static func serverReason(_ error: any Error, tls: RPCServerTLS) -> (text: String, quiet: Bool) {
        if has(error, "PEER_DID_NOT_RETURN_A_CERTIFICATE", "CERTIFICATE_REQUIRED") {
            return ("the client presented no certificate, and --tls-client-ca \(tls.clientCertificateAuthorityFile ?? "") "
                    + "requires one (the client must pass --tls-cert and --tls-key)", false)
        }
        if has(error, "CERTIFICATE_VERIFY_FAILED") {
            return ("the client's certificate is not signed by the CA in --tls-client-ca "
                    + "\(tls.clientCertificateAuthorityFile ?? ""), or it has expired", false)
        }
        if has(error, "ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_EXPIRED", "ALERT_CERTIFICATE_UNKNOWN",
               "ALERT_UNSUPPORTED_CERTIFICATE", "ALERT_CERTIFICATE_REVOKED") {
            return ("the client refused this server's certificate (--tls-cert \(tls.certificateFile)): its --tls-ca does not "
                    + "hold the CA that signed it, the certificate does not name the host the client dialled, or it expired; "
                    + "the client's own error says which", false)
        }
        if has(error, "NO_SHARED_CIPHER", "UNSUPPORTED_PROTOCOL", "ALERT_PROTOCOL_VERSION") {
            return ("the client offered no TLS version or cipher this server accepts (TLS 1.2 or later)", false)
        }
        if let error = error as? NIOSSLError, case .uncleanShutdown = error {
            return ("the client closed the connection during the TLS handshake", true)
        }
        if has(error, "EOF during handshake") {
            return ("the client closed the connection during the TLS handshake", true)
        }
        return ("\(error)", false)
    }
}
