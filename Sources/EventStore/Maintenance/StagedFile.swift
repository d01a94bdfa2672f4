#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under a temporary name beside its final path, then synced and renamed into place,
/// so a failure (an error, a kill, a power cut before the rename) leaves the final path as it was and
/// no half-written file under it.
///
/// The temporary file is `.NAME.partial-PID-RANDOM` in the target's directory: the same file system,
/// so the rename is atomic (rename(2)), and a leading dot so it is not mistaken for a backup. It is
/// removed when the file is abandoned or released without `commit()`.
public final class StagedFile {
    /// The final path.
    public let target: String
    /// Where the bytes are written until `commit()`.
    public let temporaryPath: String
    private var descriptor: Int32
    private var finished = false

    /// Creates the (empty) temporary file beside `target`.
    public init(replacing target: String) throws(BackupError) {
        self.target = target
        let (directory, name) = Self.split(target)
        var generator = SystemRandomNumberGenerator()
        temporaryPath = (directory == "/" ? "" : directory) + "/." + name + ".partial-\(getpid())-\(generator.next() as UInt32)"
        // O_EXCL: never write through a file (or a planted link) that is already there.
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .fileSystem(operation: "create", path: temporaryPath, reason: Self.reason(errno))
        }
    }

    deinit {
        if !finished { abandon() }
    }

    /// Appends `bytes` to the temporary file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(operation: "write", path: temporaryPath, reason: Self.reason(errno))
            }
            offset += written
        }
    }

    /// Appends `bytes` to the temporary file.
    public func write(_ bytes: [UInt8]) throws(BackupError) {
        let result: Result<Void, BackupError> = bytes.withUnsafeBytes { raw in
            do throws(BackupError) { try write(raw); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Closes the descriptor this object holds, so another writer (SQLite) may use the file.
    func closeDescriptor() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    /// Makes the file durable and moves it to `target`: fsync of the file, rename over the target,
    /// fsync of the directory (so the rename itself survives a power cut). Replaces a file at the
    /// target; the caller decides beforehand whether that is allowed. Without `durable`, nothing is
    /// synced: for a file that only lives as long as the process reads it.
    public func commit(durable: Bool = true) throws(BackupError) {
        let file = descriptor >= 0 ? descriptor : open(temporaryPath, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw .fileSystem(operation: "open", path: temporaryPath, reason: Self.reason(errno)) }
        defer {
            close(file)
            descriptor = -1
        }
        guard !durable || fsync(file) == 0 else {
            throw .fileSystem(operation: "sync", path: temporaryPath, reason: Self.reason(errno))
        }
        guard rename(temporaryPath, target) == 0 else {
            throw .fileSystem(operation: "rename \(temporaryPath) to", path: target, reason: Self.reason(errno))
        }
        finished = true
        if durable { Self.syncDirectory(of: target) }
    }

    /// Removes the temporary file (and any SQLite journal beside it); the target is untouched.
    public func abandon() {
        closeDescriptor()
        finished = true
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporaryPath + suffix) }
    }

    /// The size of the file at `path`, or nil when there is none.
    static func size(of path: String) -> Int64? {
        var status = stat()
        return stat(path, &status) == 0 ? Int64(status.st_size) : nil
    }

    /// fsync of the directory holding `path`; best effort (some file systems refuse it).
    static func syncDirectory(of path: String) {
        let directory = open(split(path).directory, O_RDONLY | O_CLOEXEC)
        guard directory >= 0 else { return }
        _ = fsync(directory)
        close(directory)
    }

    /// The directory (`.` when none is given) and the file name of `path`.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    /// The system's sentence for `code`, with what to do for the common ones.
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case ENOSPC: return text + "; free some space or write somewhere else"
        case EACCES, EPERM, EROFS: return text + "; choose a directory you can write to"
        case ENOENT: return text + "; create the directory first"
        default: return text
        }
    }

    /// The real path of `path` (symbolic links resolved), or of its directory plus its name when the
    /// file does not exist yet; nil when neither exists.
    static func realPath(_ path: String) -> String? {
        func resolve(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if let resolved = resolve(path) { return resolved }
        let (directory, name) = split(path)
        return resolve(directory).map { ($0 == "/" ? "" : $0) + "/" + name }
    }
}

@available(*, unavailable)
extension StagedFile: Sendable {}

/// write(2), named apart from `StagedFile.write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
