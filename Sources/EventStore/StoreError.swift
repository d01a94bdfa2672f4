import StoreAPI
import LogCodec
import VPAModel

/// Why a store operation failed. Each message is a sentence that tells the user what to do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// SQLite reported a failure.
    case sqlite(SQLiteError)
    /// The database was written by a newer vpa-store.
    case schemaTooNew(path: String, found: Int, known: Int)
    /// The database is older than this binary and was opened read-only, so it cannot be migrated.
    case schemaTooOld(path: String, found: Int, known: Int)
    /// No database file where one was expected.
    case databaseMissing(path: String)
    /// An event body in the log could not be decoded.
    case corruptEvent(position: Int64, WireError)
    /// The caller passed an argument that makes no sense.
    case invalidArgument(String)
    /// A conditional write expected another head position: someone else wrote first.
    case headMoved(expected: Int64, actual: Int64)
    /// The pod (or other thing) asked about is not in the store.
    case notFound(String)
    /// A position outside the log (beyond the head, or below the first position kept).
    case outOfRange(String)
    /// The file is not a SQLite database (SQLITE_NOTADB): a text file, an encrypted database, ….
    case notADatabase(path: String)
    /// The file is a SQLite database of another application: another `application_id` than
    /// vpa-store's `VPAS`, or none and tables that are not vpa-store's. Nothing was written to it.
    case foreignDatabase(path: String, applicationID: Int32, tables: [String])
    /// Another writer (a process, or another store in this one) has the database open for writing;
    /// `holder` says who and since when, as its lock file records it.
    case writerLocked(database: String, lockFile: String, holder: String)
    /// The lock file beside the database cannot be created or locked (a read-only directory, …);
    /// `reason` says why and what to do.
    case lockFileUnusable(database: String, lockFile: String, reason: String)

    /// `error` as a StoreError: the one place other layers' errors are converted.
    static func wrapping(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as SQLiteError: .sqlite(error)
        case let error as WireError: .corruptEvent(position: -1, error)
        default: .invalidArgument("\(error)")
        }
    }

    private static func foreignDatabaseMessage(path: String, applicationID: Int32, tables: [String]) -> String {
        let advice = "vpa-store leaves it alone; give --db a vpa-store database, or the name of a file to create"
        if applicationID != 0 {
            let id = String(UInt32(bitPattern: applicationID), radix: 16)
            return "\(path) belongs to another application (SQLite application_id 0x\(id); vpa-store's is 0x56504153): \(advice)"
        }
        // Names from someone else's file, shown on a terminal: printable characters only.
        let printable = tables.prefix(5).map { String(String.UnicodeScalarView($0.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })) }
        let shown = printable.joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
        return "\(path) is another application's SQLite database (tables \(shown); no vpa-store schema): \(advice)"
    }

    public var description: String {
        switch self {
        case .sqlite(let error):
            "\(error)"
        case .schemaTooNew(let path, let found, let known):
            "\(path) has schema version \(found), but this vpa-store knows only up to \(known): it was written by a newer vpa-store; use that version or newer"
        case .schemaTooOld(let path, let found, let known):
            "\(path) has schema version \(found) and this vpa-store needs \(known): run `vpa-store migrate --db \(path)` first"
        case .databaseMissing(let path):
            "no vpa-store database at \(path); create one with `vpa-store ingest --db \(path) FILE` or `vpa-store migrate --db \(path)`"
        case .corruptEvent(let position, let error):
            "event at position \(position): \(error)"
        case .invalidArgument(let message):
            message
        case .headMoved(let expected, let actual):
            "the log's head is at position \(actual), not the expected \(expected): another writer appended first; read again and retry"
        case .notFound(let message), .outOfRange(let message):
            message
        case .notADatabase(let path):
            "\(path) is not a SQLite database: give --db a vpa-store database, or the name of a file to create"
        case .foreignDatabase(let path, let applicationID, let tables):
            Self.foreignDatabaseMessage(path: path, applicationID: applicationID, tables: tables)
        case .writerLocked(let database, let lockFile, let holder):
            "\(database) is already open for writing by \(holder) (lock file \(lockFile)): a database has one writer; "
                + "stop that one first, or send the writes to its server with --server"
        case .lockFileUnusable(let database, let lockFile, let reason):
            "cannot lock \(database) for writing: its lock file \(lockFile): \(reason)"
        }
    }
}
