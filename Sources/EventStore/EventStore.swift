import CSQLite
import StoreAPI
import LogCodec
import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The vpa-store database: the append-only event log in SQLite, and the projections kept from it.
///
/// One `EventStore` owns one SQLite connection and is used by one task at a time (it is not
/// `Sendable`). A read-write store is the single writer of its file: it holds the file's writer lock
/// (`WriterLock`) until it is closed, and a second writer is refused. Any number of read-only stores
/// may read the same file at the same time (WAL mode), each seeing a consistent position.
public final class EventStore {
    /// How the file is opened.
    public enum Access: Sendable {
        /// The single writer: creates and migrates the file as needed.
        case readWrite
        /// A reader: never writes, safe next to a running writer.
        case readOnly
    }

    /// The stream id of events about the store itself.
    static let storeStreamID: Int64 = 1

    /// The database file.
    public let path: String
    public let access: Access
    let connection: SQLiteConnection
    /// Held for the life of a `.readWrite` store: one writer per file.
    private let writerLock: WriterLock?
    /// Set when this read-only store reads its file as an immutable snapshot (a read-only copy in a
    /// read-only directory), so the caller can say so; nil otherwise.
    public let immutableSnapshot: ImmutableSnapshot?
    var projection = Projection()
    /// Position covered by the stored snapshot.
    private(set) var snapshotPosition: Int64 = 0
    /// Pods changed since the snapshot was written.
    var dirtyStreams = Set<Int64>()
    /// Write a snapshot once this many events have been applied since the last one.
    public var snapshotEvery: Int64 = 50_000
    /// When true, every appended event is also kept in `appendedEvents` until `takeAppendedEvents`,
    /// so a server can hand them to watchers without reading back what it just wrote.
    public var keepsAppendedEvents = false
    var appendedEvents: [StoredEvent] = []
    /// How long usage samples are kept, counted back from the newest sample; nil keeps them forever.
    /// Applied after each ingest that appended usage (see `expireUsage`).
    public var usageRetention: Duration? = EventStore.defaultUsageRetention
    /// How much history the server keeps: with a value, `compactIfDue` compacts the log that much
    /// before the data's clock (`serve --compact-keep`); nil never compacts.
    public var compactionKeep: Duration?
    private var statementCache: [String: SQLiteStatement] = [:]

    /// The random id this database was given when it was created.
    public private(set) var storeID = ""

    /// Where the log was compacted (see `compact(before:)`); nil when it never was.
    public internal(set) var compaction: CompactionState?

    /// Position of the last event in the log (0 when empty).
    public var headPosition: Int64 { projection.position }

    /// The in-place setting and whether `auto` has seen status resources.
    public var inPlaceMode: (mode: InPlaceMode, detected: Bool) { (projection.inPlaceMode, projection.inPlaceDetected) }

    /// Opens (and for `.readWrite`, creates and migrates) the database at `path`, then loads the
    /// projection from its snapshot and the log after it.
    ///
    /// A `.readWrite` open first takes the file's writer lock (`PATH.lock`, see `WriterLock`) and
    /// throws `.writerLocked` naming the holder when another writer has it; readers take no lock.
    /// Both refuse a file that is not a SQLite database (`.notADatabase`) or is another application's
    /// (`.foreignDatabase`). A reader that cannot create the `-shm` file beside a read-only file opens
    /// it as an immutable snapshot and says so in `immutableSnapshot`.
    public init(path: String, access: Access = .readWrite, now: Timestamp = .now) throws(StoreError) {
        self.path = path
        self.access = access
        if access == .readOnly && access_file(path) == false {
            throw .databaseMissing(path: path)
        }
        // The lock comes before the first byte is read, so two writers never both migrate or load.
        writerLock = access == .readWrite ? try WriterLock(databasePath: path) : nil
        if access == .readWrite {
            connection = try StoreFile.openForWriting(path)
            immutableSnapshot = nil
        } else {
            (connection, immutableSnapshot) = try StoreFile.openForReading(path)
        }
        do {
            // Reads of the history and the log walk B-trees much larger than SQLite's default 2 MiB
            // page cache: a 64 MiB cache and memory-mapped reads keep hot pages in this process
            // instead of copying them from the OS with a pread per page (sqlite.org/mmap.html).
            try connection.execute("PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;")
        } catch {
            throw .sqlite(error)
        }
        let migrator = Migrator()
        var replayOnOpen = false
        if access == .readWrite {
            try migrator.migrate(connection, now: now.unixMilliseconds)
            try wrap { try ensureStoreIdentity(now: now) }
            replayOnOpen = try wrap { try meta(Self.replayOnOpenKey) != nil }
        } else {
            let version = try migrator.currentVersion(connection)
            if version > migrator.latestVersion {
                throw .schemaTooNew(path: path, found: version, known: migrator.latestVersion)
            }
            if version < migrator.latestVersion {
                throw .schemaTooOld(path: path, found: version, known: migrator.latestVersion)
            }
        }
        try load()
        if replayOnOpen {
            // A migration changed how the projection tables are derived (see migration 0006).
            try replay()
            try wrap { try connection.transaction { try statement("DELETE FROM store_meta WHERE key = ?").run([.text(Self.replayOnOpenKey)]) } }
        }
    }

    deinit {
        close()
    }

    /// Closes the database and, for a writer, releases the file's writer lock, so another writer may
    /// open it at once (a server that stopped, in a process that goes on). Every later call that
    /// reads or writes the file throws; calling it again does nothing.
    public func close() {
        // Statements first: the connection closes only once they are finalized (sqlite.org/c3ref/close.html),
        // and the lock must outlive the connection so no second writer starts while this one writes.
        statementCache.removeAll()
        connection.close()
        writerLock?.release()
    }

    /// A `store_meta` key a migration sets when the projection tables must be rebuilt from the log.
    static let replayOnOpenKey = "replay_on_open"

    // MARK: - Loading

    /// Rebuilds the in-memory projection: the snapshot, then every event after it. Runs in one read
    /// transaction so the snapshot, the log and the tables are seen at one position.
    func load() throws(StoreError) {
        try wrap {
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            try loadInTransaction()
        }
    }

    /// `load`, inside a read transaction the caller holds.
    func loadInTransaction() throws {
        do {
            storeID = try meta("store_id") ?? ""
            var fresh = Projection()
            try statement("SELECT id, kind, stream_key, namespace, name FROM streams ORDER BY id").forEachRow { row in
                fresh.register(StreamInfo(id: row.int(0), kind: StreamInfo.Kind(rawValue: row.int(1)) ?? .pod,
                                          key: row.text(2), namespace: row.text(3), name: row.text(4)))
            }
            snapshotPosition = 0
            if let encoded = try meta("projection") {
                let header = try SnapshotCoding.decodeHeader(encoded)
                snapshotPosition = header.position
                fresh.restore(header)
                try readPodRows(from: "pod_snapshot", into: &fresh)
            }
            compaction = try readCompactionState()
            var replayFrom = snapshotPosition
            if let cut = compaction, cut.throughPosition > snapshotPosition {
                // The snapshot is older than the compaction cut (a migration dropped it): the log
                // before the cut is gone, so memory starts from the projection kept at the cut.
                fresh = try compactionBase(streams: Array(fresh.streams.values))?.projection ?? fresh
                replayFrom = cut.throughPosition
            }
            projection = fresh
            dirtyStreams = replayFrom > snapshotPosition ? Set(fresh.pods.keys) : []
            try forEachEvent(after: replayFrom) { event in
                markChanged(by: event)
                try projection.apply(event, sink: DiscardingSink())
            }
        }
    }

    private func ensureStoreIdentity(now: Timestamp) throws {
        try connection.transaction {
            if try meta("store_id") == nil {
                try setMeta("store_id", Self.randomStoreID())
            }
            if try connection.scalarInt("SELECT count(*) FROM streams WHERE id = ?", .int(Self.storeStreamID)) == 0 {
                try statement("INSERT INTO streams (id, kind, stream_key, namespace, name, created_at) VALUES (?, 1, '', '', 'store', ?)")
                    .run([.int(Self.storeStreamID), .int(now.unixMilliseconds)])
            }
        }
    }

    /// A random store id: 32 hexadecimal digits, for a new database and a restored copy alike.
    static func randomStoreID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = generator.next() as UInt32
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    // MARK: - Snapshots

    /// Writes the projection of the changed pods, and the position it covers, in its own transaction.
    public func writeSnapshot() throws(StoreError) {
        guard access == .readWrite else { return }
        try wrap {
            try connection.transaction { try writeSnapshotRows() }
        }
        snapshotCommitted()
    }

    /// Writes the snapshot rows of the changed pods and the header, inside the caller's transaction.
    /// The caller calls `snapshotCommitted()` once that transaction commits, so a failed write
    /// leaves the old snapshot in force.
    func writeSnapshotRows() throws {
        let upsert = try statement("INSERT OR REPLACE INTO pod_snapshot (stream_id, state) VALUES (?, ?)")
        for streamID in dirtyStreams.sorted() {
            guard let state = projection.pods[streamID] else { continue }
            try upsert.run([.int(streamID), .blob(SnapshotCoding.encodePod(state))])
        }
        // Every pod's newest usage sample changes every minute: one binary row for all of them,
        // not JSON in the header (which cost 12% of ingest CPU as a Codable dictionary; bench).
        try upsert.run([.int(SnapshotCoding.usageMarksRow), .blob(PodStateCodec.encodeUsageMarks(projection.lastUsage))])
        try setMeta("projection", try SnapshotCoding.encodeHeader(projection.header))
    }

    /// The events appended (and committed) since the last call, in order; empty unless
    /// `keepsAppendedEvents` is set.
    public func takeAppendedEvents() -> [StoredEvent] {
        defer { appendedEvents.removeAll(keepingCapacity: true) }
        return appendedEvents
    }

    /// Marks the pod `event` changes for the next snapshot. Usage samples change no pod state
    /// (see `Projection.apply`), so the bulk of the log leaves the snapshot alone.
    func markChanged(by event: StoredEvent) {
        if event.body.type != .usageSampled { dirtyStreams.insert(event.streamID) }
    }

    /// Records that the snapshot now covers the whole projection; call after the commit.
    func snapshotCommitted() {
        snapshotPosition = projection.position
        dirtyStreams = []
    }

    // MARK: - Helpers

    /// A cached prepared statement for `sql`.
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statementCache[sql] { return cached }
        let prepared = try connection.prepare(sql)
        statementCache[sql] = prepared
        return prepared
    }

    func meta(_ key: String) throws -> String? {
        var value: String?
        try statement("SELECT value FROM store_meta WHERE key = ?").forEachRow([.text(key)]) { value = $0.text(0) }
        return value
    }

    func setMeta(_ key: String, _ value: String) throws {
        try statement("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)").run([.text(key), .text(value)])
    }

    /// Calls `body` for every event after `position`, in order.
    func forEachEvent(after position: Int64, _ body: (StoredEvent) throws -> Void) throws {
        let select = try statement("""
            SELECT position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body
            FROM events WHERE position > ? ORDER BY position
            """)
        try select.forEachRow([.int(position)]) { row in try body(try Self.event(from: row)) }
    }

    /// Decodes the event in the current row of a statement selecting the events columns in order.
    static func event(from row: SQLiteStatement) throws -> StoredEvent {
        let position = row.int(0)
        let body: EventBody
        do {
            body = try row.withBlob(7) { bytes throws(WireError) in
                try EventCodec.decode(typeNumber: Int32(truncatingIfNeeded: row.int(1)), bytes: bytes)
            }
        } catch let error as WireError {
            throw StoreError.corruptEvent(position: position, error)
        }
        return StoredEvent(position: position, streamID: row.int(2), streamPrevious: row.optionalInt(3),
                           occurredAt: Timestamp(unixMilliseconds: row.int(4)),
                           recordedAt: Timestamp(unixMilliseconds: row.int(5)), causedBy: row.optionalInt(6), body: body)
    }

    /// Runs `body`, turning any error into a `StoreError`.
    func wrap<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw StoreError.wrapping(error)
        }
    }
}

@available(*, unavailable)
extension EventStore: Sendable {}

/// Whether a file exists at `path`.
private func access_file(_ path: String) -> Bool {
    access(path, F_OK) == 0
}

