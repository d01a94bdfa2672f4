import CSQLite
import StoreAPI
import LogCodec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a backup holds: every event up to `headPosition`, as of one snapshot of the database.
public struct BackupSummary: Hashable, Sendable {
    /// The backup file.
    public var path: String
    /// The last event's position in the backup.
    public var headPosition: Int64
    /// Events in the backup (fewer than `headPosition` where events were removed, as by usage retention).
    public var eventCount: Int64
    /// The size of the backup file.
    public var bytes: Int64
    /// The id of the database it copies.
    public var storeID: String
    /// Pages copied.
    public var pages: Int
}

extension EventStore {
    /// Pages copied per backup step by default: 4 MiB of 4 KiB pages.
    public static let defaultBackupPagesPerStep: Int32 = 1024

    /// Copies the database at `path` to `target` with SQLite's online backup API, safe while another
    /// process (or store) writes it, and returns what the copy holds.
    ///
    /// The copy is one snapshot: the source is read in one read transaction, held from before the
    /// head is read until the last page is copied. In WAL mode (every vpa-store writer sets it) a
    /// reader never blocks the writer, which keeps committing into the write-ahead log meanwhile
    /// (the log grows by what is written during the copy, and is checkpointed after it). Without that
    /// transaction, each `sqlite3_backup_step` would take its own, see the file changed since the
    /// previous step and start over: under a writer that commits every few milliseconds the copy
    /// never ends (see `SQLiteBackup`). Pages are copied `pagesPerStep` at a time, with `progress`
    /// (pages copied, pages in all) called after each step; it throws to stop the copy.
    ///
    /// The copy is written to a temporary file beside `target`, synced and renamed into place, so a
    /// failure leaves no partial file (see `StagedFile`). A `target` that exists and is not empty is
    /// refused unless `replacing`; a live database (one a writer holds the lock of) and the source
    /// itself are always refused.
    public static func backup(databaseAt path: String, to target: String, replacing: Bool = false,
                              pagesPerStep: Int32 = defaultBackupPagesPerStep,
                              progress: (_ copiedPages: Int, _ totalPages: Int) throws -> Void = { _, _ in }) throws -> BackupSummary {
        try backup(databaseAt: path, to: target, replacing: replacing, durable: true, pagesPerStep: pagesPerStep, progress: progress)
    }

    /// `backup`; without `durable`, the file is not synced (a copy that lives only as long as this
    /// process reads it).
    static func backup(databaseAt path: String, to target: String, replacing: Bool, durable: Bool, pagesPerStep: Int32,
                       progress: (Int, Int) throws -> Void) throws -> BackupSummary {
        guard StagedFile.size(of: path) != nil else { throw StoreError.databaseMissing(path: path) }
        try checkReplaceable(target, source: path, replacing: replacing)
        let staged = try StagedFile(replacing: target)
        let copy = try copyDatabase(at: path, into: staged, pagesPerStep: pagesPerStep, progress: progress)
        try staged.commit(durable: durable)
        return BackupSummary(path: target, headPosition: copy.headPosition, eventCount: copy.eventCount,
                             bytes: StagedFile.size(of: target) ?? 0, storeID: copy.storeID, pages: copy.pages)
    }

    /// Throws unless a backup may be written to `target` (the rules of `backup`): for a backup that
    /// comes from a server, checked before the transfer starts.
    public static func checkBackupTarget(_ target: String, replacing: Bool) throws(BackupError) {
        try checkReplaceable(target, source: nil, replacing: replacing)
    }

    /// What `copyDatabase` read from the snapshot it copied.
    struct CopiedSnapshot {
        var headPosition: Int64
        var eventCount: Int64
        var storeID: String
        var pages: Int
    }

    /// Copies one snapshot of the database at `path` into `staged`'s temporary file (see `backup`).
    /// The staged file is left to the caller to commit or abandon.
    static func copyDatabase(at path: String, into staged: StagedFile, pagesPerStep: Int32,
                             progress: (Int, Int) throws -> Void) throws -> CopiedSnapshot {
        let (source, _) = try StoreFile.openForReading(path)
        defer { source.close() }
        guard try Migrator().currentVersion(source) > 0 else { throw StoreError.databaseMissing(path: path) }
        // The first read after BEGIN starts the read transaction: from here this connection sees one
        // snapshot, and the head and count below are those of the pages the backup copies.
        try source.execute("BEGIN")
        defer { try? source.execute("COMMIT") }
        let headPosition = try source.scalarInt("SELECT coalesce(max(position), 0) FROM events") ?? 0
        let eventCount = try source.scalarInt("SELECT count(*) FROM events") ?? 0
        let storeID = try storeIdentifier(source)

        staged.closeDescriptor()
        let destination = try SQLiteConnection(path: staged.temporaryPath, mode: .readWriteCreate)
        defer { destination.close() }
        // The destination is a new private file: no journal is needed to roll it back (a failed copy
        // is deleted whole), and it is synced once, by `StagedFile.commit`, instead of at every step.
        try destination.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        let backup = try SQLiteBackup(from: source, to: destination)
        var done = false
        while !done {
            done = try backup.step(pages: max(1, pagesPerStep))
            let total = Int(backup.pageCount)
            try progress(total - Int(backup.remaining), total)
        }
        let pages = Int(backup.pageCount)
        try backup.finish()
        destination.close()
        try makeSelfContained(staged.temporaryPath)
        return CopiedSnapshot(headPosition: headPosition, eventCount: eventCount, storeID: storeID, pages: pages)
    }

    /// Switches the copy at `path` from WAL to rollback-journal mode. The backup copies the source's
    /// header, which says WAL, and every reader of a WAL file creates `-wal` and `-shm` files beside
    /// it; a backup should be one file that can be copied alone. The writer that later opens a
    /// restored copy sets WAL mode again (`StoreFile.openForWriting`).
    static func makeSelfContained(_ path: String) throws(SQLiteError) {
        let connection = try SQLiteConnection(path: path, mode: .readWriteCreate)
        defer {
            connection.close()
            unlink(path + "-shm")
        }
        try connection.execute("PRAGMA journal_mode = DELETE")
    }

    /// The `store_id` in `store_meta` ("" when there is none).
    static func storeIdentifier(_ connection: SQLiteConnection) throws(SQLiteError) -> String {
        let select = try connection.prepare("SELECT value FROM store_meta WHERE key = 'store_id'")
        return try select.step() ? select.text(0) : ""
    }

    /// Throws unless a copy may be written to `target`: it must not be `source`, nor a live database,
    /// nor a directory, nor (unless `replacing`) a file with anything in it.
    /// `lockHeld`: the caller holds `target`'s writer lock itself (a restore), so it is not probed.
    static func checkReplaceable(_ target: String, source: String?, replacing: Bool, lockHeld: Bool = false) throws(BackupError) {
        if let source, let real = StagedFile.realPath(target), real == StagedFile.realPath(source) {
            throw .sameFile(source: source, target: target)
        }
        if !lockHeld, let (holder, lockFile) = WriterLock.liveHolder(of: target) {
            throw .liveDatabase(path: target, holder: holder, lockFile: lockFile)
        }
        var status = stat()
        guard stat(target, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw .fileSystem(operation: "replace", path: target, reason: "it is a directory; give the name of a file")
        }
        if status.st_size > 0 && !replacing {
            throw .targetExists(path: target, bytes: Int64(status.st_size), flag: "--force")
        }
    }
}

extension WriterLock {
    /// Who holds the writer lock of the database at `path` (as its lock file says), with the lock
    /// file's path; nil when no one does. Probes without creating a lock file: a backup's folder
    /// should not fill with them.
    static func liveHolder(of path: String) -> (holder: String, lockFile: String)? {
        let lockFile = lockPath(for: path)
        let descriptor = open(lockFile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: Int32
        repeat { result = flock(descriptor, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        if result == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        return errno == EWOULDBLOCK ? (readHolder(descriptor).description, lockFile) : nil
    }
}
