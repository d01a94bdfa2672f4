/// Why a backup or a restore was refused or failed. Each message is a sentence that says what to do.
/// (Failures of the database itself, such as a file that is not a vpa-store database, are
/// `StoreError`s.)
public enum BackupError: Error, Sendable, CustomStringConvertible {
    /// The file to write exists and is not empty, and the caller did not ask to replace it.
    case targetExists(path: String, bytes: Int64, flag: String)
    /// The file to write is a database that a running writer (`serve`, file `ingest`, …) has open.
    case liveDatabase(path: String, holder: String, lockFile: String)
    /// The file to write is the file to read.
    case sameFile(source: String, target: String)
    /// No backup file where one was given.
    case backupMissing(path: String)
    /// The backup fails SQLite's `integrity_check`: its pages are damaged.
    case damaged(backup: String, problems: [String])
    /// The backup's log or projections fail `verify`.
    case failsVerify(backup: String, problems: [String])
    /// The backup was made by another schema version than this vpa-store's.
    case schemaMismatch(backup: String, found: Int, known: Int)
    /// A file system call failed: `operation` on `path`, with the system's reason.
    case fileSystem(operation: String, path: String, reason: String)
    /// The copy was stopped before it ended (the caller went away).
    case cancelled

    public var description: String {
        switch self {
        case .targetExists(let path, let bytes, let flag):
            "\(path) already exists (\(bytes) bytes): choose a new file, or pass \(flag) to replace it"
        case .liveDatabase(let path, let holder, let lockFile):
            "\(path) is a live database, open for writing by \(holder) (lock file \(lockFile)): "
                + "stop that process before replacing the file, or choose another path"
        case .sameFile(let source, let target):
            "\(target) is the database itself (\(source)): write the backup to another file"
        case .backupMissing(let path):
            "no backup at \(path): give --from the file `vpa-store backup --to` wrote"
        case .damaged(let backup, let problems):
            "\(backup) is damaged (SQLite integrity_check: \(Self.list(problems))): restore another backup"
        case .failsVerify(let backup, let problems):
            "\(backup) does not verify (\(Self.list(problems))): restore another backup"
        case .schemaMismatch(let backup, let found, let known):
            "\(backup) has schema version \(found), this vpa-store has \(known): restore it with the vpa-store version that "
                + "made it\(found < known ? ", then run `vpa-store migrate` on the restored file" : "")"
        case .fileSystem(let operation, let path, let reason):
            "cannot \(operation) \(path): \(reason)"
        case .cancelled:
            "the backup was cancelled before it ended; nothing was written"
        }
    }

    private static func list(_ problems: [String]) -> String {
        problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; and \(problems.count - 3) more" : "")
    }
}
