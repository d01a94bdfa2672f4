import StoreWire
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

    /// `error` as a StoreError: the one place other layers' errors are converted.
    static func wrapping(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as SQLiteError: .sqlite(error)
        case let error as WireError: .corruptEvent(position: -1, error)
        default: .invalidArgument("\(error)")
        }
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
        }
    }
}
