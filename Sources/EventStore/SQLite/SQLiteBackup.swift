import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of SQLite's online backup (sqlite.org/backup.html): copies the `main` database of one
/// connection into the `main` database of another, some pages at a time.
///
/// The copy restarts from page 1 whenever another connection changes the source between two steps
/// (sqlite.org/c3ref/backup_finish.html, "sqlite3_backup_step()"), so under a writer that commits every
/// few milliseconds it would never end. The caller prevents that by holding a read transaction on the
/// source for the whole copy (see `EventStore.backup`): `sqlite3_backup_step` then uses that
/// transaction instead of opening its own, and copies one snapshot.
final class SQLiteBackup {
    /// Kept open for the life of the backup, which reads through it.
    private let source: SQLiteConnection
    private let destination: SQLiteConnection
    private var handle: OpaquePointer?

    /// Starts a backup of `source` into `destination`. Both stay open until `finish`; the destination
    /// must not be used meanwhile (sqlite.org/c3ref/backup_finish.html, "sqlite3_backup_init()").
    init(from source: SQLiteConnection, to destination: SQLiteConnection) throws(SQLiteError) {
        try source.checkOpen("backup")
        try destination.checkOpen("backup")
        self.source = source
        self.destination = destination
        // On failure the error is in the destination connection (sqlite.org/c3ref/backup_finish.html).
        guard let handle = sqlite3_backup_init(destination.handle, "main", source.handle, "main") else {
            throw SQLiteError(code: sqlite3_extended_errcode(destination.handle), message: destination.lastErrorMessage,
                              sql: "sqlite3_backup_init")
        }
        self.handle = handle
    }

    deinit {
        // A backup abandoned half-way: finish releases its locks; the destination keeps what it had.
        if let handle { sqlite3_backup_finish(handle) }
    }

    /// Copies up to `pages` more pages. Returns true once every page is copied.
    ///
    /// SQLITE_BUSY and SQLITE_LOCKED are not errors of the backup: "the call may be retried later"
    /// (sqlite.org/c3ref/backup_finish.html). They are retried here after a short pause, a bounded
    /// number of times, so a lock another process holds for long becomes an error, not a hang.
    func step(pages: Int32) throws(SQLiteError) -> Bool {
        guard let handle else { return true }
        var busyRetries = 0
        while true {
            let code = sqlite3_backup_step(handle, pages)
            let primary = code & 0xFF
            if primary == SQLITE_DONE { return true }
            if primary == SQLITE_OK { return false }
            guard (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && busyRetries < 500 else {
                throw SQLiteError(code: code, message: String(cString: sqlite3_errstr(code)), sql: "sqlite3_backup_step")
            }
            busyRetries += 1
            usleep(10_000)
        }
    }

    /// Pages of the source at the last step (0 before the first).
    var pageCount: Int32 { handle.map { sqlite3_backup_pagecount($0) } ?? 0 }

    /// Pages still to copy at the last step.
    var remaining: Int32 { handle.map { sqlite3_backup_remaining($0) } ?? 0 }

    /// Ends the backup and releases its resources; throws the first error a step met, if any.
    func finish() throws(SQLiteError) {
        guard let handle else { return }
        self.handle = nil
        let code = sqlite3_backup_finish(handle)
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, message: destination.lastErrorMessage, sql: "sqlite3_backup_finish")
        }
    }
}

@available(*, unavailable)
extension SQLiteBackup: Sendable {}
