import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import StoreAPI
import StoreWire

/// Turns a client connection's TLS failure into a status that says what is wrong and what to do.
///
/// BoringSSL says only `CERTIFICATE_VERIFY_FAILED` when the server's certificate is refused. To say
/// whether it expired, names another host or comes from another CA, the client dials once more,
/// only to look at the certificate the server presents (the look-up connection refuses it and
/// sends nothing), and compares it with the clock, the dialled name and `--tls-ca`. Verification
/// itself stays BoringSSL's.
enum ClientTLSFailure {
    /// The status for `error`, which ended the connection to `configuration.endpoint` before or
    /// during its handshake; nil when it is not a TLS matter.
    static func status(for error: any Error, configuration: RPCClientConfiguration, context: NIOSSLContext?,
                       group: any EventLoopGroup) async -> RPCStatus? {
        guard let tls = configuration.tls, let context else { return nil }
        let server = "the server at \(configuration.endpoint)"
        if error is NIOSSLExtraError || TLSFailureText.has(error, "CERTIFICATE_VERIFY_FAILED") {
            let chain = await peerCertificates(configuration, tls: tls, context: context, group: group)
            return RPCStatus(.unauthenticated, "\(server): " + explain(chain: chain, tls: tls, endpoint: configuration.endpoint,
                                                                       hostnameFailed: error is NIOSSLExtraError, error: error))
        }
        if TLSFailureText.has(error, "CERTIFICATE_REQUIRED") || (tls.certificateFile == nil && TLSFailureText.has(error, "ALERT_HANDSHAKE_FAILURE")) {
            return RPCStatus(.unauthenticated, "\(server) requires a client certificate (mutual TLS): pass --tls-cert FILE "
                             + "and --tls-key FILE, a certificate signed by the CA in the server's --tls-client-ca")
        }
        if TLSFailureText.has(error, "ALERT_CERTIFICATE_EXPIRED") {
            return RPCStatus(.unauthenticated, "\(server) refused this client's certificate (--tls-cert \(tls.certificateFile ?? "")): "
                             + "it has expired; renew it")
        }
        if TLSFailureText.has(error, "ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_UNKNOWN",
                              "ALERT_UNSUPPORTED_CERTIFICATE", "ALERT_HANDSHAKE_FAILURE", "ALERT_ACCESS_DENIED") {
            return RPCStatus(.unauthenticated, "\(server) refused this client's certificate (--tls-cert \(tls.certificateFile ?? "")): "
                             + "it is not signed by the CA in the server's --tls-client-ca, or it is not valid now "
                             + "(\(alertName(error)))")
        }
        if TLSFailureText.has(error, "WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "RECORD_LENGTH_MISMATCH",
                              "HTTP_REQUEST", "UNEXPECTED_RECORD") {
            return RPCStatus(.failedPrecondition, "\(server) did not answer in TLS: it may serve plaintext; connect without "
                             + "--tls-ca, or check the address")
        }
        if TLSFailureText.has(error, "EOF during handshake") {
            return RPCStatus(.unavailable, "\(server) closed the connection during the TLS handshake: it may not serve TLS "
                             + "(then connect without --tls-ca), or it is restarting")
        }
        return nil
    }

    /// The alert BoringSSL reported, such as `TLSV1_ALERT_UNKNOWN_CA`, or the whole error.
    private static func alertName(_ error: any Error) -> String {
        let text = "\(error)"
        guard let range = text.range(of: #"[A-Z0-9]+_ALERT_[A-Z_]+"#, options: .regularExpression) else { return text }
        return "TLS alert \(text[range])"
    }

    /// Why the server's certificate was refused, from the certificate itself.
    static func explain(chain: [NIOSSLCertificate]?, tls: RPCClientTLS, endpoint: RPCEndpoint, hostnameFailed: Bool,
                        error: any Error) -> String {
        guard let leaf = chain?.first else {
            return "its certificate could not be verified with the CA in --tls-ca \(tls.certificateAuthorityFile) (\(error))"
        }
        let now = time(nil)
        let subject = TLSCertificateText.subject(leaf)
        if leaf.notValidAfter < now {
            return "its certificate (\(subject)) expired at \(TLSDates.describe(leaf.notValidAfter)); the server must be given "
                + "a renewed certificate"
        }
        if leaf.notValidBefore > now {
            return "its certificate (\(subject)) is not valid before \(TLSDates.describe(leaf.notValidBefore)); check the clocks "
                + "of both machines"
        }
        if hostnameFailed {
            let names = TLSCertificateText.names(leaf)
            return "its certificate names \(names.isEmpty ? "no host" : names.joined(separator: ", ")), not "
                + "\(tls.checkedName(for: endpoint)); connect by one of those names, or pass --tls-server-name NAME"
        }
        return "its certificate (\(subject), issued by \(TLSCertificateText.issuer(leaf))) is not signed by the CA in "
            + "--tls-ca \(tls.certificateAuthorityFile); give --tls-ca the CA that signed the server's certificate"
    }

    /// The certificates the server presents, from a connection that refuses them at once.
    private static func peerCertificates(_ configuration: RPCClientConfiguration, tls: RPCClientTLS, context: NIOSSLContext,
                                         group: any EventLoopGroup) async -> [NIOSSLCertificate]? {
        let captured = NIOLockedValueBox<[NIOSSLCertificate]?>(nil)
        let hostname = tls.hostname(for: configuration.endpoint)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: hostname) { chain, promise in
                        captured.withLockedValue { $0 = chain }
                        promise.succeed(NIOSSLVerificationResult.failed)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            switch configuration.endpoint {
            case .tcp(let host, let port): channel = try await bootstrap.connect(host: host, port: port).get()
            case .unix(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            return nil
        }
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(configuration.connectTimeout.nanoseconds)) {
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        timer.cancel()
        return captured.withLockedValue { $0 }
    }
}

/// Names of certificates in messages.
enum TLSCertificateText {
    /// `CN=…` of the subject, or all of it.
    static func subject(_ certificate: NIOSSLCertificate) -> String { describe(certificate.subjectName) }

    static func issuer(_ certificate: NIOSSLCertificate) -> String { describe(certificate.issuerName) }

    private static func describe(_ name: [SSLCertificateName]) -> String {
        if let commonName = name.first(where: { $0.type == .commonName }) { return "CN=\(commonName.value)" }
        return name.map(\.value).joined(separator: ", ")
    }

    /// The DNS names and IP addresses of the subject alternative names.
    static func names(_ certificate: NIOSSLCertificate) -> [String] {
        // NIOSSL's only accessor for SANs is underscored; the names appear in messages only.
        certificate._subjectAlternativeNames().compactMap { name -> String? in
            let bytes = Array(name.contents)
            switch name.nameType {
            case .dnsName: return String(decoding: bytes, as: UTF8.self)
            case .ipAddress where bytes.count == 4: return bytes.map(String.init).joined(separator: ".")
            case .ipAddress where bytes.count == 16:
                return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                    .joined(separator: ":")
            default: return nil
            }
        }
    }
}
