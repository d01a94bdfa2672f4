import CSQLite

/// One sqlite3 connection. Not thread-safe: one owner serializes all use of it (the store's writer,
/// or one reader), as GRDB's SerializedDatabase does.
final class SQLiteConnection {
    /// How to open the file.
    enum Mode {
        /// Read and write; create the file if missing.
        case readWriteCreate
        /// Read only: never writes the file, safe next to a running writer (WAL mode).
        case readOnly
        /// Read only, of a file that nothing changes while it is open (a read-only copy): SQLite's
        /// `immutable=1` takes no locks and creates no `-shm` or `-wal` file, and so does not read a
        /// write-ahead log left beside the file either (sqlite.org/uri.html#uriimmutable).
        case immutable
    }

    let path: String
    private(set) var handle: OpaquePointer?

    init(path: String, mode: Mode) throws(SQLiteError) {
        self.path = path
        let flags: Int32
        switch mode {
        case .readWriteCreate: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        case .readOnly: flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        case .immutable: flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        }
        // Only the immutable mode is opened by URI: a plain path is never parsed, so a file named
        // `file:…` or holding `?` opens as itself in the other modes.
        let name = mode == .immutable ? Self.immutableURI(path) : path
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(name, &handle, flags, nil)
        // sqlite3_open_v2 allocates a handle even on failure; it must be closed (sqlite.org/c3ref/open.html).
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        // A reader next to a busy writer waits for its lock instead of failing at once.
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit {
        close()
    }

    /// `file:PATH?immutable=1`, every byte of the path outside `A-Z a-z 0-9 - . _ ~ /` percent-encoded:
    /// SQLite decodes `%HH` in a URI's path, and an unencoded `?`, `#` or `%` would end or garble it
    /// (sqlite.org/uri.html). An absolute path gets an empty authority (`file:///…`), so a path that
    /// starts with `//` is not read as a host name.
    static func immutableURI(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return (path.hasPrefix("/") ? "file://" : "file:") + encoded + "?immutable=1"
    }

    /// Closes the connection. Statements must be finalized first; `sqlite3_close_v2` defers the close
    /// until they are, so a forgotten statement cannot make this fail (sqlite.org/c3ref/close.html).
    func close() {
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(SQLiteError) {
        try checkOpen(sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: code, message: message, sql: sql)
        }
    }

    /// A prepared statement for `sql`.
    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        // IMMEDIATE takes the write lock up front, so a writer never fails half-way with SQLITE_BUSY
        // on a read-to-write upgrade (sqlite.org/lang_transaction.html).
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Throws SQLITE_MISUSE once the connection is closed: every use starts with `execute` or
    /// `prepare`, so no sqlite3 call ever gets a NULL handle (some dereference it unchecked).
    func checkOpen(_ sql: String) throws(SQLiteError) {
        if handle == nil { throw SQLiteError(code: SQLITE_MISUSE, message: "\(path) was closed", sql: sql) }
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int64 { Int64(sqlite3_changes64(handle)) }

    /// The first column of the first row of `sql`, as an integer (nil when there is no row or it is NULL).
    func scalarInt(_ sql: String, _ values: SQLiteValue...) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step() ? statement.optionalInt(0) : nil
    }
}

@available(*, unavailable)
extension SQLiteConnection: Sendable {}
