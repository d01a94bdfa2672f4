import CSQLite

/// A value bound to a statement parameter.
enum SQLiteValue: Hashable {
    case int(Int64)
    case text(String)
    case blob([UInt8])
    case null

    static func optional(_ value: Int64?) -> SQLiteValue { value.map { .int($0) } ?? .null }
    static func optional(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
}

/// SQLITE_TRANSIENT: SQLite copies the bound bytes before bind returns, so Swift may free them
/// (sqlite.org/c3ref/bind_blob.html).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement, finalized when released.
final class SQLiteStatement {
    private let connection: SQLiteConnection
    fileprivate let statement: OpaquePointer
    let sql: String
    /// How many parameters the statement has: when a call binds them all, the old bindings need no
    /// clearing first.
    private let parameterCount: Int

    init(connection: SQLiteConnection, sql: String) throws(SQLiteError) {
        try connection.checkOpen(sql)
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(code: code, message: connection.lastErrorMessage, sql: sql)
        }
        self.connection = connection
        self.statement = statement
        self.sql = sql
        parameterCount = Int(sqlite3_bind_parameter_count(statement))
    }

    deinit {
        sqlite3_finalize(statement)
    }

    /// Resets the statement and binds `values` to parameters 1…n.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(statement)
        if values.count < parameterCount { sqlite3_clear_bindings(statement) }
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds one parameter (1-based). A failed bind is a programming error (wrong index), but it is
    /// thrown rather than trapped so a bad statement cannot take a server down.
    func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let code: Int32
        switch value {
        case .int(let number): code = sqlite3_bind_int64(statement, index, number)
        case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, transient)
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { buffer in
                // A zero-length blob must still be a blob, not NULL: bind zeroblob for it.
                buffer.count == 0 ? sqlite3_bind_zeroblob(statement, index, 0)
                    : sqlite3_bind_blob(statement, index, buffer.baseAddress, Int32(buffer.count), transient)
            }
        case .null: code = sqlite3_bind_null(statement, index)
        }
        guard code == SQLITE_OK else { throw SQLiteError(code: code, message: connection.lastErrorMessage, sql: sql) }
    }

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = connection.lastErrorMessage
            sqlite3_reset(statement)
            throw SQLiteError(code: code, message: message, sql: sql)
        }
    }

    /// Binds `values` and runs the statement to completion.
    func run(_ values: [SQLiteValue]) throws(SQLiteError) {
        try bind(values)
        while try step() {}
        sqlite3_reset(statement)
    }

    /// Binds `values` (integers, one per parameter, in order) and runs the statement to completion:
    /// `run` without an array of `SQLiteValue`s, for the usage rows (two per usage sample on ingest
    /// and replay).
    func runInts(_ values: some Collection<Int64>) throws(SQLiteError) {
        guard values.count == parameterCount else {
            throw SQLiteError(code: SQLITE_RANGE, message: "\(values.count) values bound to \(parameterCount) parameters",
                              sql: sql)
        }
        sqlite3_reset(statement)
        var index: Int32 = 1
        for value in values {
            let code = sqlite3_bind_int64(statement, index, value)
            guard code == SQLITE_OK else { throw SQLiteError(code: code, message: connection.lastErrorMessage, sql: sql) }
            index += 1
        }
        while try step() {}
        sqlite3_reset(statement)
    }

    /// Binds `values` and calls `row` for every result row.
    func forEachRow(_ values: [SQLiteValue] = [], _ row: (SQLiteStatement) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(statement) }
        while try step() { try row(self) }
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: pointer)
    }

    /// The blob in `column`, valid only inside `body` (until the next step or reset; sqlite.org/c3ref/column_blob.html).
    func withBlob<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let count = Int(sqlite3_column_bytes(statement, column))
        let pointer = sqlite3_column_blob(statement, column)
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    func blob(_ column: Int32) -> [UInt8] { withBlob(column) { Array($0) } }
}

@available(*, unavailable)
extension SQLiteStatement: Sendable {}

extension SQLiteStatement {
    /// Every column of the current row, as values (integers, text, blobs or NULL).
    func values() -> [SQLiteValue] {
        (0..<sqlite3_column_count(statement)).map { column in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_NULL: .null
            case SQLITE_INTEGER: .int(int(column))
            case SQLITE_BLOB: .blob(blob(column))
            default: .text(text(column))
            }
        }
    }
}

extension SQLiteValue {
    /// SQLite's order for the values a primary key holds: NULL, then integers, then text, then blobs.
    static func sortsBefore(_ a: SQLiteValue, _ b: SQLiteValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): x < y
        case (.text(let x), .text(let y)): Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        case (.blob(let x), .blob(let y)): x.lexicographicallyPrecedes(y)
        default: a.rank < b.rank
        }
    }

    private var rank: Int {
        switch self {
        case .null: 0
        case .int: 1
        case .text: 2
        case .blob: 3
        }
    }
}
