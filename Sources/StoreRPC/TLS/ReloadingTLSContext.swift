import Logging
import NIOConcurrencyHelpers
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TLS context built from files and rebuilt when one of them changes (device, inode, size or
/// modification time: a rename over the file, as Kubernetes does when a Secret volume is updated,
/// changes the inode). Asked once per new connection, so the check is a few `stat` calls, and a
/// rotated certificate is used from the next connection on; connections already open keep theirs.
///
/// A rebuild that fails (a key written before its certificate, a half-copied file) keeps the last
/// good context and logs a warning; it is retried when the files change again.
final class ReloadingTLSContext: Sendable {
    private let files: [String]
    private let build: @Sendable () throws(TLSSetupError) -> NIOSSLContext
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var context: NIOSSLContext?
        /// The stamps of the files the context was built from.
        var built: [FileStamp?] = []
        /// The stamps of the files a rebuild last failed on, not retried until they change.
        var failed: [FileStamp?]?
    }

    init(files: [String], logger: Logger, build: @escaping @Sendable () throws(TLSSetupError) -> NIOSSLContext) {
        self.files = files
        self.logger = logger
        self.build = build
    }

    /// A server's context, reloaded from `tls`'s files.
    static func server(_ tls: RPCServerTLS, logger: Logger) -> ReloadingTLSContext {
        ReloadingTLSContext(files: tls.files, logger: logger) { () throws(TLSSetupError) in
            try TLSContextFactory.server(tls, logger: logger)
        }
    }

    /// A client's context, reloaded from `tls`'s files.
    static func client(_ tls: RPCClientTLS, logger: Logger) -> ReloadingTLSContext {
        ReloadingTLSContext(files: tls.files, logger: logger) { () throws(TLSSetupError) in
            try TLSContextFactory.client(tls)
        }
    }

    /// The context for a new connection: rebuilt first when a file changed. Throws only when no
    /// context was ever built (the first build failed).
    func current() throws(TLSSetupError) -> NIOSSLContext {
        let stamps = files.map(FileStamp.init(path:))
        let result: Result<NIOSSLContext, TLSSetupError> = state.withLockedValue { state in
            if let context = state.context, state.built == stamps || state.failed == stamps { return .success(context) }
            do throws(TLSSetupError) {
                let context = try build()
                if state.context != nil {
                    logger.info("Reloaded the TLS certificate files", metadata: ["tls.files": "\(files.joined(separator: ", "))"])
                }
                state.context = context
                state.built = stamps
                state.failed = nil
                return .success(context)
            } catch {
                guard let previous = state.context else { return .failure(error) }
                logger.warning("The changed TLS files cannot be used; new connections keep the previous certificate",
                               metadata: ["error": "\(error)"])
                state.failed = stamps
                return .success(previous)
            }
        }
        return try result.get()
    }
}

/// What `stat` says of a file, enough to notice that it was replaced or rewritten.
struct FileStamp: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64

    /// nil when the file cannot be stat'ed (missing): a later appearance counts as a change.
    init?(path: String) {
        var info = stat()
        // stat(2) follows symbolic links: the `..data` link Kubernetes swaps is seen through.
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int64(info.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtimespec.tv_nsec)
        #else
        modifiedSeconds = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
    }
}
