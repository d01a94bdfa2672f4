import Crypto
import Foundation
import SwiftASN1
import X509

/// The TLS identity the simulated API server generates at start: a CA of its own, and a serving
/// certificate for `127.0.0.1` and `localhost` that the CA signed. The CA certificate goes into the
/// kubeconfig as `certificate-authority-data`; nothing is ever written to a trust store.
struct ServingIdentity: Sendable {
    /// The CA certificate, PEM.
    var certificateAuthorityPEM: String
    /// The serving certificate, PEM.
    var certificatePEM: String
    /// The serving certificate's private key, PEM (PKCS#8).
    var privateKeyPEM: String

    /// A fresh CA (P-256, valid for a year) and a serving certificate for `hosts` signed by it.
    /// Validity starts an hour back, so a client whose clock runs a little behind still accepts it.
    static func generate(hosts: [String] = ["127.0.0.1", "localhost"], now: Date = Date()) throws -> ServingIdentity {
        let notBefore = now.addingTimeInterval(-3600)
        let notAfter = now.addingTimeInterval(365 * 86_400)

        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("vpa-store")
            CommonName("vpa-store simulator CA")
        }
        let caCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: caName,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(caKey.publicKey))
            },
            issuerPrivateKey: .init(caKey))

        let servingKey = P256.Signing.PrivateKey()
        let servingName = try DistinguishedName {
            OrganizationName("vpa-store")
            CommonName("kube-apiserver")
        }
        let names = hosts.map { host -> GeneralName in
            if let address = IPv4Address(host) { return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...])) }
            return .dnsName(host)
        }
        let servingCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(servingKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: servingName,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(caKey.publicKey)).keyIdentifier)
            },
            issuerPrivateKey: .init(caKey))

        return ServingIdentity(certificateAuthorityPEM: try caCertificate.serializeAsPEM().pemString,
                               certificatePEM: try servingCertificate.serializeAsPEM().pemString,
                               privateKeyPEM: servingKey.pemRepresentation)
    }
}

/// A dotted IPv4 address, for the serving certificate's IP subject alternative names.
private struct IPv4Address {
    var bytes: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }
}
