import CSQLite
import LogCodec
import VPAModel

/// One cell of an answer to `vpa-store sql`.
public enum SQLCell: Hashable, Sendable {
    case null
    case integer(Int64)
    /// Text, and a REAL as SQLite prints it.
    case text(String)
    case blob([UInt8])
}

/// Why `vpa-store sql` refused or failed a statement.
public struct SQLQueryError: Error, CustomStringConvertible {
    public var description: String
}

extension EventStore {
    /// Runs one read-only SQL statement, as `vpa-store sql` does. On this connection only, the SQL
    /// function `body_json(type, body)` renders an event body as `bodyJSON` does (the JSON `query
    /// events --format json` prints), and the view `events_json` is `events_readable` with that
    /// JSON as `body`. They are not in the file: the plain `sqlite3` shell, which has no such
    /// function, would fail on any view that used it.
    ///
    /// `columns` gets the column names once, before the rows; `row` each row. A statement that
    /// could write, more than one statement, or SQL SQLite refuses is an error naming why.
    public func runReadOnlySQL(_ sql: String, bodyJSON: @escaping (EventBody) -> String,
                               columns: ([String]) -> Void, row: ([SQLCell]) throws -> Void) throws {
        try wrap {
            try registerBodyJSON(bodyJSON)
            try connection.execute("""
                CREATE TEMP VIEW IF NOT EXISTS events_json AS
                SELECT r.*, body_json(e.type, e.body) AS body FROM events_readable r JOIN events e USING (position)
                """)
        }
        var statement: OpaquePointer?
        // What follows the first statement, read while the C string SQLite was given still exists.
        var rest = ""
        let code = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(connection.handle, text, -1, &statement, &tail)
            if let tail { rest = String(cString: tail) }
            return code
        }
        guard code == SQLITE_OK, let statement else {
            throw SQLQueryError(description: "the SQL is not valid: \(connection.lastErrorMessage)")
        }
        defer { sqlite3_finalize(statement) }
        if !rest.allSatisfy({ $0.isWhitespace || $0 == ";" }) {
            throw SQLQueryError(description: "give one statement; the text after the first one is \"\(rest.prefix(60))\"")
        }
        guard sqlite3_stmt_readonly(statement) != 0 else {
            throw SQLQueryError(description: "only statements that read are run here (SELECT, WITH …); the log is changed by vpa-store's own commands")
        }
        let count = sqlite3_column_count(statement)
        columns((0..<count).map { String(cString: sqlite3_column_name(statement, $0)) })
        while true {
            let stepped = sqlite3_step(statement)
            if stepped == SQLITE_DONE { return }
            guard stepped == SQLITE_ROW else {
                throw SQLQueryError(description: "the query failed: \(connection.lastErrorMessage)")
            }
            try row((0..<count).map { column in
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: .null
                case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
                case SQLITE_BLOB:
                    .blob(sqlite3_column_blob(statement, column).map {
                        Array(UnsafeRawBufferPointer(start: $0, count: Int(sqlite3_column_bytes(statement, column))))
                    } ?? [])
                default: .text(String(cString: sqlite3_column_text(statement, column)))
                }
            })
        }
    }

    /// `body_json(type, body)` on this connection.
    private func registerBodyJSON(_ render: @escaping (EventBody) -> String) throws(SQLiteError) {
        let box = Unmanaged.passRetained(BodyRenderer(render)).toOpaque()
        let code = sqlite3_create_function_v2(
            connection.handle, "body_json", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, box,
            { context, _, arguments in
                guard let context, let arguments, let renderer = sqlite3_user_data(context) else { return }
                let render = Unmanaged<BodyRenderer>.fromOpaque(renderer).takeUnretainedValue().render
                let type = Int32(clamping: sqlite3_value_int64(arguments[0]))
                let count = Int(sqlite3_value_bytes(arguments[1]))
                let bytes = UnsafeRawBufferPointer(start: sqlite3_value_blob(arguments[1]), count: count)
                do throws(WireError) {
                    let json = render(try EventCodec.decode(typeNumber: type, bytes: bytes))
                    sqlite3_result_text(context, json, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                } catch {
                    sqlite3_result_error(context, "body_json: event type \(type): \(error)", -1)
                }
            }, nil, nil,
            { box in box.map { Unmanaged<BodyRenderer>.fromOpaque($0).release() } })
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, message: connection.lastErrorMessage, sql: "body_json")
        }
    }
}

/// The renderer `body_json` calls, kept alive by SQLite until the function is dropped.
private final class BodyRenderer {
    let render: (EventBody) -> String
    init(_ render: @escaping (EventBody) -> String) { self.render = render }
}
