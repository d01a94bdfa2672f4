import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-writer-per-file rule: an exclusive `flock(2)` on `DB.lock` beside the database, held by
/// every read-write open (`serve`, file `ingest`, `replay`, `migrate`, …) for as long as it is open.
///
/// Two writers of one file would each append from their own in-memory head, and the second one's next
/// append fails with `UNIQUE constraint failed: events.position` (issue 16, finding 11). SQLite's
/// exclusive locking mode would stop that too, but it also stops every reader, and `query --db` must
/// keep working next to a running server; readers take no lock at all.
///
/// Why `flock` on a separate file: the kernel releases it when the process dies (a `kill -9` leaves
/// no stale lock, whatever the file says); it is held per open file description, so a second writer
/// in the same process is refused as well; and it never meets SQLite's own POSIX locks on the
/// database file. The file is never removed: unlinking a lock file lets a third process lock a new
/// file while a second still holds the old one.
final class WriterLock {
    /// Who holds the lock, as the holder wrote it into the lock file.
    struct Holder: Sendable, Hashable, CustomStringConvertible {
        var pid: Int32?
        var since: Timestamp?
        var command: String?

        /// `pid 1234 (vpa-store serve) since 2026-11-02T09:00:00Z`.
        var description: String {
            guard let pid else { return "another process (it has not written its pid into the lock file yet)" }
            var text = "pid \(pid)"
            if pid == getpid() { text += " (this process)" } else if let command, !command.isEmpty { text += " (\(command))" }
            if let since { text += " since \(since.rfc3339)" }
            return text
        }
    }

    /// The lock file's path: the database's real path (symbolic links resolved, so two spellings of
    /// one file share one lock) followed by `.lock`.
    let path: String
    private var descriptor: Int32

    /// Takes the lock for the database at `databasePath`, or throws `StoreError.writerLocked` naming
    /// the holder. Records this process's pid, start of holding and command line in the file.
    init(databasePath: String, now: Timestamp = .now) throws(StoreError) {
        path = Self.lockPath(for: databasePath)
        // O_CLOEXEC: a child process (`demo` starts its server and daemons as children) must not
        // inherit the descriptor, which would keep the lock held after this process exits. O_NOFOLLOW: the file
        // is truncated below, so a planted symbolic link must not point it at another file.
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw .lockFileUnusable(database: databasePath, lockFile: path, reason: Self.unusable(errno))
        }
        var result: Int32
        repeat { result = flock(descriptor, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        if result != 0 {
            let code = errno
            let holder = Self.readHolder(descriptor)
            close(descriptor)
            // A class whose init throws after its properties are set still runs deinit: without this,
            // `release` would ftruncate and close the closed number again, by then another file's
            // (another thread's SQLite database, which then failed with fstat and write I/O errors).
            descriptor = -1
            if code == EWOULDBLOCK {
                throw .writerLocked(database: databasePath, lockFile: path, holder: holder.description)
            }
            throw .lockFileUnusable(database: databasePath, lockFile: path, reason: Self.unusable(code))
        }
        record(Holder(pid: getpid(), since: now, command: Self.commandLine))
    }

    deinit {
        release()
    }

    /// Empties the file (so it names no one) and releases the lock; the file stays (see the type).
    func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    /// Writes `holder` as `key=value` lines. Best effort: the lock is held whatever the file says,
    /// and a failed write only makes another writer's message less precise.
    private func record(_ holder: Holder) {
        var text = "pid=\(holder.pid ?? 0)\n"
        if let since = holder.since { text += "since=\(since.rfc3339)\n" }
        if let command = holder.command { text += "command=\(command)\n" }
        _ = ftruncate(descriptor, 0)
        text.withUTF8 { bytes in _ = pwrite(descriptor, bytes.baseAddress, bytes.count, 0) }
    }

    /// The holder recorded in the file open at `descriptor`. Reads at most 1 KiB: the file is written
    /// by another process, so its size is not trusted.
    static func readHolder(_ descriptor: Int32) -> Holder {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        return parseHolder(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self))
    }

    /// Parses the `key=value` lines `record` writes; unknown keys and malformed values are skipped.
    static func parseHolder(_ text: String) -> Holder {
        var holder = Holder()
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = String(line[line.index(after: equals)...])
            switch line[..<equals] {
            case "pid": holder.pid = Int32(value).flatMap { $0 > 0 ? $0 : nil }
            case "since": holder.since = try? Timestamp(rfc3339: value)
            // Shown in another process's error message: printable characters only, and not many.
            case "command": holder.command = String(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(80).map(Character.init))
            default: continue
            }
        }
        return holder
    }

    /// `databasePath` with symbolic links resolved (of the file when it exists, else of its directory)
    /// plus `.lock`; the path as given when neither resolves (the open then reports why).
    static func lockPath(for databasePath: String) -> String {
        if let resolved = realPath(databasePath) { return resolved + ".lock" }
        let slash = databasePath.lastIndex(of: "/")
        let directory = slash.map { $0 == databasePath.startIndex ? "/" : String(databasePath[..<$0]) } ?? "."
        let name = slash.map { String(databasePath[databasePath.index(after: $0)...]) } ?? databasePath
        guard let resolvedDirectory = realPath(directory) else { return databasePath + ".lock" }
        return (resolvedDirectory == "/" ? "" : resolvedDirectory) + "/" + name + ".lock"
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The program and its subcommand, such as `vpa-store serve`.
    private static var commandLine: String {
        let arguments = CommandLine.arguments
        let program = arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? ""
        return ([program] + arguments.dropFirst().prefix(1)).joined(separator: " ")
    }

    /// Why the lock file cannot be used, and what to do, for the error `code` of `open` or `flock`.
    private static func unusable(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case EACCES, EPERM, EROFS: return text + "; a writer needs a directory it can write to (`vpa-store query` reads without one)"
        case ENOENT: return text + "; create the directory first"
        case ELOOP: return text + " (a symbolic link); remove it"
        default: return text
        }
    }
}

@available(*, unavailable)
extension WriterLock: Sendable {}
