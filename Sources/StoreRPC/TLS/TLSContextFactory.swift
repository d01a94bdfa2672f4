import Foundation
import Logging
import NIOSSL

/// Reads PEM files and builds the `NIOSSLContext`s of servers and clients, turning every way a file
/// can be wrong into a `TLSSetupError` that names the flag, the file and the fix.
enum TLSContextFactory {
    /// The server's context: its certificate chain and key, and with a client CA, mutual TLS.
    static func server(_ tls: RPCServerTLS, logger: Logger) throws(TLSSetupError) -> NIOSSLContext {
        let chain = try certificates(tls.certificateFile, flag: "--tls-cert")
        let key = try privateKey(tls.privateKeyFile, flag: "--tls-key")
        warnIfOutsideValidity(chain[0], flag: "--tls-cert", path: tls.certificateFile, logger: logger)
        var configuration: TLSConfiguration
        if let clientCA = tls.clientCertificateAuthorityFile {
            configuration = .makeServerConfigurationWithMTLS(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key),
                trustRoots: .certificates(try certificates(clientCA, flag: "--tls-client-ca")))
            // Tells the client which CAs it may present a certificate of.
            configuration.sendCANameList = true
        } else {
            configuration = .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        }
        configuration.minimumTLSVersion = .tlsv12
        return try context(configuration, certificateFile: tls.certificateFile, keyFile: tls.privateKeyFile,
                           certificateFlag: "--tls-cert", keyFlag: "--tls-key")
    }

    /// The client's context: the CAs that may sign the server's certificate, and the client's own
    /// certificate when it has one. Hostnames are checked by the handler (`RPCClientTLS.hostname`).
    static func client(_ tls: RPCClientTLS) throws(TLSSetupError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        configuration.trustRoots = .certificates(try certificates(tls.certificateAuthorityFile, flag: "--tls-ca"))
        switch (tls.certificateFile, tls.privateKeyFile) {
        case (let certificateFile?, let keyFile?):
            configuration.certificateChain = try certificates(certificateFile, flag: "--tls-cert").map { .certificate($0) }
            configuration.privateKey = .privateKey(try privateKey(keyFile, flag: "--tls-key"))
            return try context(configuration, certificateFile: certificateFile, keyFile: keyFile,
                               certificateFlag: "--tls-cert", keyFlag: "--tls-key")
        case (let certificateFile?, nil):
            throw TLSSetupError(flag: "--tls-cert", path: certificateFile, reason: "a client certificate needs its key: add --tls-key FILE")
        case (nil, let keyFile?):
            throw TLSSetupError(flag: "--tls-key", path: keyFile, reason: "a key needs its certificate: add --tls-cert FILE")
        case (nil, nil):
            return try context(configuration, certificateFile: tls.certificateAuthorityFile, keyFile: nil,
                               certificateFlag: "--tls-ca", keyFlag: nil)
        }
    }

    /// The certificates in a PEM file: at least one, or an error that says what the file holds instead.
    static func certificates(_ path: String, flag: String) throws(TLSSetupError) -> [NIOSSLCertificate] {
        let text = try read(path, flag: flag)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw TLSSetupError(flag: flag, path: path, reason: text.contains("-----BEGIN")
                ? "holds no certificate (no -----BEGIN CERTIFICATE----- block); is it a key?"
                : "is not a PEM file (no -----BEGIN CERTIFICATE----- block); convert a DER file with "
                  + "`openssl x509 -inform der -in FILE -out FILE.pem`")
        }
        do {
            let certificates = try NIOSSLCertificate.fromPEMBytes(Array(text.utf8))
            guard !certificates.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
            return certificates
        } catch {
            throw TLSSetupError(flag: flag, path: path, reason: "its certificate cannot be parsed (\(error)); check the PEM block")
        }
    }

    /// The private key in a PEM file.
    static func privateKey(_ path: String, flag: String) throws(TLSSetupError) -> NIOSSLPrivateKey {
        let text = try read(path, flag: flag)
        guard text.contains("PRIVATE KEY-----") else {
            throw TLSSetupError(flag: flag, path: path, reason: text.contains("-----BEGIN")
                ? "holds no private key (no -----BEGIN … PRIVATE KEY----- block); is it a certificate?"
                : "is not a PEM file (no -----BEGIN … PRIVATE KEY----- block)")
        }
        do {
            return try NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem)
        } catch {
            throw TLSSetupError(flag: flag, path: path,
                                reason: "its private key cannot be parsed (\(error)); an encrypted key must be decrypted first")
        }
    }

    private static func read(_ path: String, flag: String) throws(TLSSetupError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TLSSetupError(flag: flag, path: path, reason: "the file does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSSetupError(flag: flag, path: path, reason: "the file cannot be read; check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TLSSetupError(flag: flag, path: path, reason: "is not a PEM file (not text)")
        }
        return text
    }

    /// The context, or the reason BoringSSL refused the pair (most often a key of another certificate).
    private static func context(_ configuration: TLSConfiguration, certificateFile: String, keyFile: String?,
                                certificateFlag: String, keyFlag: String?) throws(TLSSetupError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            let text = "\(error)"
            if let keyFile, let keyFlag, text.contains("KEY_VALUES_MISMATCH") || text.contains("failedToLoadPrivateKey") {
                throw TLSSetupError(flag: keyFlag, path: keyFile,
                                    reason: "this key does not belong to the certificate in \(certificateFlag) \(certificateFile); "
                                        + "give the key the certificate was issued for")
            }
            throw TLSSetupError(flag: certificateFlag, path: certificateFile, reason: "cannot be used for TLS: \(error)")
        }
    }

    /// A server certificate that has expired or is not yet valid is still loaded (a rotation may be
    /// on its way), but said loudly: every client will refuse it.
    private static func warnIfOutsideValidity(_ certificate: NIOSSLCertificate, flag: String, path: String, logger: Logger) {
        let now = Int(Date().timeIntervalSince1970)
        if Int(certificate.notValidAfter) < now {
            logger.warning("The server certificate has expired; clients will refuse it until it is renewed",
                           metadata: ["tls.file": "\(path)", "tls.not_after": "\(TLSDates.describe(certificate.notValidAfter))"])
        } else if Int(certificate.notValidBefore) > now {
            logger.warning("The server certificate is not valid yet; clients will refuse it until then",
                           metadata: ["tls.file": "\(path)", "tls.not_before": "\(TLSDates.describe(certificate.notValidBefore))"])
        }
    }
}

/// Dates of certificates in messages.
enum TLSDates {
    /// `time` as RFC 3339 UTC, such as 2026-12-04T18:00:00Z.
    static func describe(_ time: time_t) -> String {
        Date(timeIntervalSince1970: TimeInterval(time)).formatted(.iso8601)
    }
}
