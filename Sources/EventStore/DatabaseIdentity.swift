import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whose file a database is: SQLite's `application_id` header field and the tables it holds.
///
/// vpa-store writes `application_id` = `0x56504153` (ASCII `VPAS`) into every database it creates
/// (sqlite.org/pragma.html#pragma_application_id; the `file(1)` magic database reads the same field).
/// Databases created before the id existed have 0 there and vpa-store's own `schema_migrations`
/// table: they are accepted, and the next read-write open writes the id. Anything else with tables
/// belongs to another application and is refused before a single byte of it is written.
struct DatabaseIdentity: Sendable, Hashable {
    /// vpa-store's `application_id`: the bytes `V P A S`.
    static let vpaStoreApplicationID: Int32 = 0x5650_4153

    /// The file's `application_id` (0 when never set).
    var applicationID: Int32
    /// Its tables and views, without SQLite's own `sqlite_…` ones, by name.
    var tables: [String]
    /// Whether it has vpa-store's `schema_migrations (version, name, applied_at)`: a database of a
    /// vpa-store from before the application id (another tool's `schema_migrations` has other columns).
    var hasVPAStoreMigrations: Bool

    /// Reads the identity of `connection`'s file. This is the first read of an open, so a file that is
    /// not a database fails here, with SQLITE_NOTADB.
    init(reading connection: SQLiteConnection) throws(SQLiteError) {
        applicationID = Int32(truncatingIfNeeded: try connection.scalarInt("PRAGMA application_id") ?? 0)
        tables = []
        let select = try connection.prepare("""
            SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name
            """)
        while try select.step() { tables.append(select.text(0)) }
        hasVPAStoreMigrations = try connection.scalarInt("""
            SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name IN ('version', 'name', 'applied_at')
            """) == 3
    }

    /// Whether vpa-store may use the file: its id, an empty database (new), or a vpa-store database
    /// from before the id.
    var isVPAStoreDatabase: Bool {
        applicationID == Self.vpaStoreApplicationID || (applicationID == 0 && (tables.isEmpty || hasVPAStoreMigrations))
    }

    /// Throws `.foreignDatabase` unless vpa-store may use the file at `path`.
    func check(path: String) throws(StoreError) {
        guard !isVPAStoreDatabase else { return }
        throw .foreignDatabase(path: path, applicationID: applicationID, tables: tables)
    }
}

extension StoreError {
    /// `error` from the first read of `path`: `.notADatabase` for SQLITE_NOTADB (a text file, an
    /// encrypted database), else the SQLite error itself.
    static func opening(_ path: String, _ error: SQLiteError) -> StoreError {
        error.primaryCode == SQLITE_NOTADB ? .notADatabase(path: path) : .sqlite(error)
    }
}

/// Opening the database file: which file it is, and how a reader reads a file it cannot share.
enum StoreFile {
    /// Opens `path` for writing, creating it when missing: refuses a file that is not a database or
    /// is another application's before anything is written, writes vpa-store's application id when the
    /// file lacks it (new, or made before the id), and sets WAL mode.
    static func openForWriting(_ path: String) throws(StoreError) -> SQLiteConnection {
        let (connection, identity) = try openChecked(path, mode: .readWriteCreate)
        do {
            if identity.applicationID != DatabaseIdentity.vpaStoreApplicationID {
                try connection.execute("PRAGMA application_id = \(DatabaseIdentity.vpaStoreApplicationID)")
            }
            // WAL lets readers run next to the writer; FULL syncs the WAL at every commit, so an
            // acknowledged append survives power loss (sqlite.org/pragma.html#pragma_synchronous).
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        } catch {
            throw .sqlite(error)
        }
        return connection
    }

    /// Opens `path` for reading. When SQLite cannot read it the usual way because it cannot create the
    /// `-shm` file beside it (a read-only file in a read-only directory: SQLITE_READONLY_DIRECTORY,
    /// or SQLITE_CANTOPEN when a `-wal` is there but no `-shm`), reads it as an immutable snapshot
    /// instead; `snapshot` then says so. That is safe: a writer in WAL mode keeps the `-shm` file
    /// while it has the database open, so a missing and uncreatable one means nobody is writing.
    static func openForReading(_ path: String) throws(StoreError) -> (connection: SQLiteConnection, snapshot: ImmutableSnapshot?) {
        do {
            return (try openChecked(path, mode: .readOnly).connection, nil)
        } catch .sqlite(let error) where needsImmutableSnapshot(error) {
            let connection = try openChecked(path, mode: .immutable).connection
            return (connection, ImmutableSnapshot(path: path, unreadWriteAheadLogBytes: fileSize(path + "-wal")))
        }
    }

    /// Opens with `mode` and checks the identity (the first read, where SQLite's lazy open fails).
    private static func openChecked(_ path: String, mode: SQLiteConnection.Mode)
        throws(StoreError) -> (connection: SQLiteConnection, identity: DatabaseIdentity) {
        let connection: SQLiteConnection
        let identity: DatabaseIdentity
        do {
            connection = try SQLiteConnection(path: path, mode: mode)
            identity = try DatabaseIdentity(reading: connection)
        } catch {
            throw .opening(path, error)
        }
        try identity.check(path: path)
        return (connection, identity)
    }

    /// SQLITE_READONLY_DIRECTORY (a read-only directory), SQLITE_READONLY_CANTINIT (a `-shm` that
    /// cannot be initialized) or SQLITE_CANTOPEN (a `-wal` without a `-shm`): the `-shm` is the problem.
    static func needsImmutableSnapshot(_ error: SQLiteError) -> Bool {
        let readOnlyDirectory = SQLITE_READONLY | (6 << 8)
        let readOnlyCannotInitialize = SQLITE_READONLY | (5 << 8)
        return error.code == readOnlyDirectory || error.code == readOnlyCannotInitialize || error.primaryCode == SQLITE_CANTOPEN
    }

    /// The size of the file at `path`, 0 when there is none.
    static func fileSize(_ path: String) -> Int64 {
        var status = stat()
        return stat(path, &status) == 0 ? Int64(status.st_size) : 0
    }
}

/// A read-only store opened as an immutable snapshot of its file (see `StoreFile.openForReading`).
public struct ImmutableSnapshot: Sendable, Hashable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// The size of the write-ahead log beside the file, which an immutable snapshot does not read
    /// (0 when there is none: then nothing is missing).
    public var unreadWriteAheadLogBytes: Int64

    /// A sentence for the user, such as `store.db is read-only here (SQLite cannot create store.db-shm
    /// beside it); opened as an immutable snapshot`.
    public var description: String {
        var text = "\(path) is read-only here (SQLite cannot create \(path)-shm beside it); opened as an immutable snapshot"
        if unreadWriteAheadLogBytes > 0 {
            text += ", without its write-ahead log \(path)-wal (\(unreadWriteAheadLogBytes) bytes): the last commits may be missing;"
                + " copy the database with its -wal and -shm files to a writable directory to read them"
        }
        return text
    }
}
