import CSQLite
import Foundation
import VPAModel

/// The physical limit of this design on this machine, for `vpa-store bench` to divide by: the same
/// encoded events appended by a tight loop over the sqlite3 C API — one prepared INSERT, one
/// transaction per batch, the same schema, indexes and pragmas (WAL, `synchronous=FULL`) — with no
/// RPC, no decoding and no projections.
public enum RawAppendBaseline {
    public struct Result: Sendable {
        public var events: Int
        public var transactions: Int
        public var seconds: Double
        public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
    }

    /// Reads every event of the store at `source` into one contiguous buffer, then appends them to
    /// a new store at `target` (created by the same migrations), `eventsPerTransaction` per commit.
    /// Only the append loop is timed.
    public static func run(source: String, target: String, eventsPerTransaction: Int) throws(StoreError) -> Result {
        let events = try LoadedEvents(path: source)
        let store = try EventStore(path: target, access: .readWrite)
        return try store.wrap {
            guard let handle = store.connection.handle else { throw StoreError.invalidArgument("the target is closed") }
            var insert: OpaquePointer?
            let sql = """
                INSERT INTO events (position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &insert, nil) == SQLITE_OK, let insert else {
                throw SQLiteError(code: sqlite3_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
            }
            defer { sqlite3_finalize(insert) }
            let batch = max(1, eventsPerTransaction)
            var transactions = 0
            let started = ContinuousClock.now
            try events.bodies.withUnsafeBytes { bodies in
                var index = 0
                while index < events.count {
                    try check(sqlite3_exec(handle, "BEGIN IMMEDIATE", nil, nil, nil), handle)
                    for row in index..<min(index + batch, events.count) {
                        let column = events.columns[row]
                        sqlite3_bind_int64(insert, 1, column.position)
                        sqlite3_bind_int64(insert, 2, column.type)
                        sqlite3_bind_int64(insert, 3, column.streamID)
                        if column.streamPrevious > 0 { sqlite3_bind_int64(insert, 4, column.streamPrevious) } else { sqlite3_bind_null(insert, 4) }
                        sqlite3_bind_int64(insert, 5, column.occurredAt)
                        sqlite3_bind_int64(insert, 6, column.recordedAt)
                        if column.causedBy > 0 { sqlite3_bind_int64(insert, 7, column.causedBy) } else { sqlite3_bind_null(insert, 7) }
                        // SQLITE_STATIC (nil): the buffer outlives the statement's step.
                        sqlite3_bind_blob(insert, 8, bodies.baseAddress! + column.bodyStart, Int32(column.bodyLength), nil)
                        guard sqlite3_step(insert) == SQLITE_DONE else {
                            throw SQLiteError(code: sqlite3_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
                        }
                        sqlite3_reset(insert)
                    }
                    try check(sqlite3_exec(handle, "COMMIT", nil, nil, nil), handle)
                    transactions += 1
                    index += batch
                }
            }
            return Result(events: events.count, transactions: transactions, seconds: (ContinuousClock.now - started).seconds)
        }
    }

    private static func check(_ code: Int32, _ handle: OpaquePointer) throws {
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)))
        }
    }
}

/// Every row of a store's `events` table, columns in an array and bodies in one buffer, so the
/// timed loop allocates nothing.
private struct LoadedEvents {
    struct Columns {
        var position, type, streamID, streamPrevious, occurredAt, recordedAt, causedBy: Int64
        var bodyStart, bodyLength: Int
    }

    var columns: [Columns] = []
    var bodies: [UInt8] = []
    var count: Int { columns.count }

    init(path: String) throws(StoreError) {
        let source = try EventStore(path: path, access: .readOnly)
        var columns: [Columns] = []
        var bodies: [UInt8] = []
        try source.wrap {
            try source.connection.prepare("""
                SELECT position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body FROM events ORDER BY position
                """).forEachRow { row in
                let start = bodies.count
                row.withBlob(7) { bodies.append(contentsOf: $0) }
                columns.append(Columns(position: row.int(0), type: row.int(1), streamID: row.int(2),
                                       streamPrevious: row.optionalInt(3) ?? 0, occurredAt: row.int(4), recordedAt: row.int(5),
                                       causedBy: row.optionalInt(6) ?? 0, bodyStart: start, bodyLength: bodies.count - start))
            }
        }
        self.columns = columns
        self.bodies = bodies
    }
}
