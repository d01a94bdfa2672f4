import Crypto
import Foundation
import SwiftASN1
import X509

// Shared by the TLS tests: certificates made at test time and written as PEM files in a temporary
// directory, as cert-manager or an operator would hand them to `vpa-store serve` and its clients.

/// A certificate authority made for one test: it signs server and client certificates.
public struct TestCertificateAuthority: Sendable {
    /// The CA's name, used as its common name.
    public let name: String
    let key: P256.Signing.PrivateKey
    let certificate: Certificate

    /// A fresh CA (P-256) valid from an hour ago for a year.
    public init(name: String = "vpa-store test CA", now: Date = Date()) throws {
        self.name = name
        let key = P256.Signing.PrivateKey()
        self.key = key
        let subject = try DistinguishedName {
            OrganizationName("vpa-store tests")
            CommonName(name)
        }
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
    }

    /// The CA certificate, PEM.
    public var certificatePEM: String { get throws { try certificate.serializeAsPEM().pemString } }

    /// What a certificate this CA issues is for.
    public enum Usage: Sendable {
        /// A server: `serverAuth`, subject alternative names `hosts` (IPv4 addresses become IP SANs).
        case server(hosts: [String])
        /// A client: `clientAuth`.
        case client
    }

    /// A certificate for `commonName` signed by this CA, valid from `notBefore` to `notAfter`
    /// (default: an hour ago to a day ahead).
    public func issue(_ usage: Usage, commonName: String, notBefore: Date? = nil, notAfter: Date? = nil)
        throws -> TestIdentity {
        let now = Date()
        let leafKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("vpa-store tests")
            CommonName(commonName)
        }
        let serial = Certificate.SerialNumber()
        let leaf = try Certificate(
            version: .v3, serialNumber: serial, publicKey: .init(leafKey.publicKey),
            notValidBefore: notBefore ?? now.addingTimeInterval(-3600), notValidAfter: notAfter ?? now.addingTimeInterval(86_400),
            issuer: certificate.subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                switch usage {
                case .server(let hosts):
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(hosts.map(Self.generalName))
                case .client:
                    try ExtendedKeyUsage([.clientAuth])
                }
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(key.publicKey)).keyIdentifier)
            },
            issuerPrivateKey: .init(key))
        return TestIdentity(certificatePEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: leafKey.pemRepresentation,
                            serialNumber: Array(serial.bytes))
    }

    private static func generalName(_ host: String) -> GeneralName {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        if parts.count == 4, host.split(separator: ".").count == 4 {
            return .ipAddress(ASN1OctetString(contentBytes: parts[...]))
        }
        return .dnsName(host)
    }
}

/// A certificate and its private key, PEM.
public struct TestIdentity: Sendable {
    public var certificatePEM: String
    public var privateKeyPEM: String
    /// The certificate's serial number, big-endian bytes.
    public var serialNumber: [UInt8]
}

/// A temporary directory the PEM files of one test go to; removed by `remove()`.
public struct TLSFiles: Sendable {
    public let directory: URL

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` in the directory (atomically: a reader sees the old file or the new one)
    /// and returns its path.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url, options: .atomic)
        return url.path
    }

    /// Writes a CA's certificate to `name`.
    @discardableResult
    public func write(_ authority: TestCertificateAuthority, to name: String) throws -> String {
        try write(try authority.certificatePEM, to: name)
    }

    /// Writes an identity to `prefix.crt` and `prefix.key`; returns both paths.
    @discardableResult
    public func write(_ identity: TestIdentity, prefix: String) throws -> (certificate: String, key: String) {
        (try write(identity.certificatePEM, to: "\(prefix).crt"), try write(identity.privateKeyPEM, to: "\(prefix).key"))
    }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public func remove() { try? FileManager.default.removeItem(at: directory) }
}
