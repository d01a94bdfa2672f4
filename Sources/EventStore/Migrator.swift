import VPAModel

/// One schema change, carried by the binary (see scripts/generate-migrations.sh).
struct Migration: Sendable {
    var version: Int
    var name: String
    var sql: String
}

/// Applies the embedded migrations in order, each in its own transaction, and records them in
/// `schema_migrations`. A shipped migration is never edited; a database that records a version this
/// binary does not know was written by a newer vpa-store and is refused.
struct Migrator {
    var migrations: [Migration] = embeddedMigrations

    /// The newest version this binary knows.
    var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// The version `connection`'s database is at (0 for a new file).
    func currentVersion(_ connection: SQLiteConnection) throws(StoreError) -> Int {
        do {
            let exists = try connection.scalarInt(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") ?? 0
            guard exists > 0 else { return 0 }
            return Int(try connection.scalarInt("SELECT max(version) FROM schema_migrations") ?? 0)
        } catch {
            throw .sqlite(error)
        }
    }

    /// Refuses a database written by a newer schema.
    func checkNotNewer(_ connection: SQLiteConnection) throws(StoreError) {
        let version = try currentVersion(connection)
        if version > latestVersion {
            throw .schemaTooNew(path: connection.path, found: version, known: latestVersion)
        }
    }

    /// Applies every migration newer than the database's version. Returns the versions applied.
    @discardableResult
    func migrate(_ connection: SQLiteConnection, now: Int64) throws(StoreError) -> [Int] {
        try checkNotNewer(connection)
        var applied: [Int] = []
        do {
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)
                """)
            let current = try currentVersion(connection)
            // Views (0008) name tables, and a migration may rebuild a table (0006: create, copy, drop,
            // rename the copy). Since SQLite 3.26 that rename fails while a view names the dropped
            // table; in legacy mode views keep naming the table and read the rebuilt one, as meant.
            try connection.execute("PRAGMA legacy_alter_table = ON")
            defer { try? connection.execute("PRAGMA legacy_alter_table = OFF") }
            for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
                try connection.transaction {
                    try connection.execute(migration.sql)
                    try connection.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
                        .run([.int(Int64(migration.version)), .text(migration.name), .int(now)])
                }
                applied.append(migration.version)
            }
        } catch {
            throw StoreError.wrapping(error)
        }
        return applied
    }
}

extension EventStore {
    /// Creates the database at `path` if needed and applies the migrations it lacks. Returns the
    /// versions applied and the version it is at now. A writer like any other: it takes the file's
    /// writer lock for the time it runs, and refuses a file that is not vpa-store's.
    public static func migrate(path: String, now: Timestamp = .now) throws(StoreError) -> (applied: [Int], version: Int) {
        let lock = try WriterLock(databasePath: path)
        defer { lock.release() }
        let connection = try StoreFile.openForWriting(path)
        defer { connection.close() }
        let migrator = Migrator()
        let applied = try migrator.migrate(connection, now: now.unixMilliseconds)
        return (applied, migrator.latestVersion)
    }
}
