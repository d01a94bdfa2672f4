import LogCodec
import Crypto
import StoreAPI

/// The SHA-256 a `Backup` stream ends with (swift-crypto's), so the client can check that every
/// byte of the file arrived as the server read it; `sha256sum` of the written file prints the same.
/// An integrity check of the transfer: the token and TLS protect it against tampering.
public struct BackupChecksum: Sendable {
    private var hash = SHA256()

    public init() {}

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hash.update(bufferPointer: bytes)
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { hash.update(bufferPointer: $0) }
    }

    /// The 32-byte digest of everything added.
    public func finalize() -> [UInt8] {
        Array(hash.finalize())
    }

    /// The digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// `digest` in lower-case hexadecimal, as `sha256sum` prints it.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
