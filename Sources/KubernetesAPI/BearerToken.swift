import Foundation
import Synchronization

/// A bearer token: fixed, or read from a file that is re-read when it changes (bound
/// service-account tokens rotate about hourly; the kubelet rewrites the file in place).
public enum BearerToken: Sendable {
    case fixed(String)
    case file(TokenFile)

    /// A token read from `path` now, and again whenever the file's modification time or size changes.
    public static func file(_ path: String) throws(ClusterConnectionError) -> BearerToken {
        let file = TokenFile(path: path)
        _ = try file.current()
        return .file(file)
    }

    /// The token to send now.
    public func current() throws(ClusterConnectionError) -> String {
        switch self {
        case .fixed(let token): token
        case .file(let file): try file.current()
        }
    }
}

/// A token file and the last token read from it, keyed by the file's modification time and size.
public final class TokenFile: Sendable {
    /// The file's path.
    public let path: String
    private let cache = Mutex<(stamp: FileStamp, token: String)?>(nil)

    init(path: String) { self.path = path }

    /// The file's token: one `stat` per call, and a read only when the file changed.
    public func current() throws(ClusterConnectionError) -> String {
        let stamp = FileStamp(path: path)
        if let cached = cache.withLock({ $0 }), let stamp, cached.stamp == stamp { return cached.token }
        let bytes = try ClusterConnection.readFile(path, what: "token")
        let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ClusterConnectionError("token file \(path) is empty") }
        if let stamp { cache.withLock { $0 = (stamp, token) } }
        return token
    }
}

/// What tells that a file changed without reading it: modification time (ns) and size.
struct FileStamp: Equatable {
    var seconds: Int
    var nanoseconds: Int
    var size: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        seconds = info.st_mtim.tv_sec
        nanoseconds = info.st_mtim.tv_nsec
        size = Int64(info.st_size)
    }
}
