#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A finished backup that exists only as an open file: the server's `Backup` streams it and the
/// file is gone from the directory before the first byte is sent, so nothing is left behind however
/// the call or the process ends. The kernel frees its space when this is released.
///
/// `Sendable`: it holds only constants, and `pread` at an offset shares no file position.
public final class UnlinkedBackup: Sendable {
    /// What the backup holds; `path` names the file it had before it was unlinked.
    public let summary: BackupSummary
    private let descriptor: Int32

    private init(summary: BackupSummary, descriptor: Int32) {
        self.summary = summary
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes a backup of the database at `path` (see `EventStore.backup`) into a hidden file in the
    /// database's own directory (the space a backup needs is the database's size, on the disk that
    /// holds it rather than on a small /tmp), opens it and unlinks it.
    public static func take(ofDatabaseAt path: String, pagesPerStep: Int32 = EventStore.defaultBackupPagesPerStep,
                            progress: (_ copiedPages: Int, _ totalPages: Int) throws -> Void = { _, _ in }) throws -> UnlinkedBackup {
        let (directory, name) = StagedFile.split(path)
        var generator = SystemRandomNumberGenerator()
        let target = (directory == "/" ? "" : directory) + "/." + name + ".backup-\(getpid())-\(generator.next() as UInt32)"
        let summary = try EventStore.backup(databaseAt: path, to: target, replacing: false, durable: false,
                                            pagesPerStep: pagesPerStep, progress: progress)
        let descriptor = open(target, O_RDONLY | O_CLOEXEC)
        let openError = errno
        unlink(target)
        guard descriptor >= 0 else {
            throw BackupError.fileSystem(operation: "open", path: target, reason: StagedFile.reason(openError))
        }
        return UnlinkedBackup(summary: summary, descriptor: descriptor)
    }

    /// Up to `count` bytes from `offset` (fewer only at the end of the file).
    public func read(at offset: Int64, count: Int) throws(BackupError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if read < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(operation: "read", path: summary.path, reason: StagedFile.reason(errno))
            }
            if read == 0 { break }
            filled += read
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
