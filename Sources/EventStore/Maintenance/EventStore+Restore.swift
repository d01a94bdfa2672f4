import CSQLite
import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a restore wrote.
public struct RestoreSummary: Hashable, Sendable {
    /// The restored database.
    public var path: String
    /// The last event's position: the restored database holds every event of the backup up to it.
    public var headPosition: Int64
    /// Events in the restored database.
    public var eventCount: Int64
    /// Its size.
    public var bytes: Int64
    /// The store id the backup had.
    public var backupStoreID: String
    /// The new store id the restored database was given (see `EventStore.restore`).
    public var storeID: String
    /// What `verify` found (clean, or the restore would have been refused).
    public var verify: VerifyReport
    /// Whether a file was replaced.
    public var replacedExisting: Bool
}

extension EventStore {
    /// Restores the backup at `backup` (a file `backup` wrote) to `target`, which a server can then
    /// serve.
    ///
    /// Refused: a `target` whose writer lock a running writer holds (`serve`, file `ingest`, …:
    /// named in the error), and one that exists and is not empty unless `replacing`. The lock is
    /// taken for the whole restore, so no writer can open `target` meanwhile.
    ///
    /// The backup is copied to a temporary file beside `target` with SQLite's backup API, and the
    /// copy (what will be installed, not the file it came from) must pass SQLite's
    /// `integrity_check` and `verify`; then it is synced and renamed over `target`, whose stale
    /// `-wal`, `-shm` and `-journal` files are removed first (SQLite would replay a stale log into
    /// the new file). Any failure before the rename leaves `target` as it was.
    ///
    /// The restored database gets a new store id (the backup's is kept in `store_meta` as
    /// `restored_from`), as etcd gives a restored snapshot a new cluster id: after the backup's head
    /// its positions name other events than the ones clients saw before, so a watcher that resumes
    /// by position must notice (`Welcome.store_id` changes) and start again.
    public static func restore(backupAt backup: String, to target: String, replacing: Bool = false,
                               now: Timestamp = .now,
                               copyProgress: (_ copiedPages: Int, _ totalPages: Int) throws -> Void = { _, _ in },
                               verifyProgress: (Int64, Int64) -> Void = { _, _ in }) throws -> RestoreSummary {
        guard StagedFile.size(of: backup) != nil else { throw BackupError.backupMissing(path: backup) }
        let lock = try lockForRestore(target, now: now)
        defer { lock.release() }
        try checkReplaceable(target, source: backup, replacing: replacing, lockHeld: true)
        let replacedExisting = StagedFile.size(of: target) != nil

        let staged = try StagedFile(replacing: target)
        let copy = try copyDatabase(at: backup, into: staged, pagesPerStep: defaultBackupPagesPerStep, progress: copyProgress)
        let storeID = try prepareRestoredCopy(staged.temporaryPath, backup: backup, backupStoreID: copy.storeID,
                                              backupHead: copy.headPosition, now: now)
        let (report, headPosition) = try verifyCopy(staged.temporaryPath, progress: verifyProgress)
        guard report.isClean else { throw BackupError.failsVerify(backup: backup, problems: report.problems) }
        for suffix in ["-wal", "-shm", "-journal"] where StagedFile.size(of: target + suffix) != nil {
            guard unlink(target + suffix) == 0 else {
                throw BackupError.fileSystem(operation: "remove", path: target + suffix, reason: StagedFile.reason(errno))
            }
        }
        try staged.commit()
        return RestoreSummary(path: target, headPosition: headPosition, eventCount: report.eventsChecked,
                              bytes: StagedFile.size(of: target) ?? 0, backupStoreID: copy.storeID, storeID: storeID,
                              verify: report, replacedExisting: replacedExisting)
    }

    /// The writer lock of `target`, held while it is restored; a live database is refused, naming
    /// who has it open.
    private static func lockForRestore(_ target: String, now: Timestamp) throws -> WriterLock {
        do {
            return try WriterLock(databasePath: target, now: now)
        } catch {
            if case .writerLocked(_, let lockFile, let holder) = error {
                throw BackupError.liveDatabase(path: target, holder: holder, lockFile: lockFile)
            }
            throw error
        }
    }

    /// `verify` of the copy at `path`, and its head.
    private static func verifyCopy(_ path: String, progress: (Int64, Int64) -> Void) throws -> (VerifyReport, Int64) {
        let restored = try EventStore(path: path, access: .readOnly)
        defer { restored.close() }
        return (try restored.verify(progress: progress), restored.headPosition)
    }

    /// Checks the copy at `path` (SQLite's integrity check, the schema version) and gives it a new
    /// store id. Returns the new id. (The copy is in rollback-journal mode, see `makeSelfContained`,
    /// so the update is in the file itself when the connection closes.)
    private static func prepareRestoredCopy(_ path: String, backup: String, backupStoreID: String, backupHead: Int64,
                                            now: Timestamp) throws -> String {
        let connection = try SQLiteConnection(path: path, mode: .readWriteCreate)
        defer { connection.close() }
        var problems: [String] = []
        let check = try connection.prepare("PRAGMA integrity_check")
        while try check.step() { problems.append(check.text(0)) }
        if problems != ["ok"] { throw BackupError.damaged(backup: backup, problems: problems) }
        let migrator = Migrator()
        let version = try migrator.currentVersion(connection)
        if version != migrator.latestVersion {
            throw BackupError.schemaMismatch(backup: backup, found: version, known: migrator.latestVersion)
        }
        let storeID = randomStoreID()
        try connection.transaction {
            try connection.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('store_id', ?)").run([.text(storeID)])
            try connection.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('restored_from', ?)")
                .run([.text("store \(backupStoreID) at position \(backupHead), restored \(now.rfc3339)")])
        }
        return storeID
    }
}
