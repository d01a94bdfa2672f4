@testable import EventStore
import Foundation
import Testing
import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SQLite file made without vpa-store, through the store's own connection type.
private func makeDatabase(_ path: String, _ sql: String) throws {
    let connection = try SQLiteConnection(path: path, mode: .readWriteCreate)
    try connection.execute(sql)
    connection.close()
}

private func applicationID(_ path: String) throws -> Int64? {
    let connection = try SQLiteConnection(path: path, mode: .readOnly)
    defer { connection.close() }
    return try connection.scalarInt("PRAGMA application_id")
}

private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

/// Issue 16, finding 11: a second writer of one file started, and the first one's next ingest then
/// failed with `UNIQUE constraint failed: events.position`.
@Suite("One writer per file")
struct WriterLockTests {
    @Test func aSecondWriterIsRefusedNamingTheHolderAndTheFile() throws {
        let db = TemporaryDatabase()
        let first = try EventStore(path: db.path)
        _ = try first.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        #expect {
            _ = try EventStore(path: db.path)
        } throws: { error in
            guard case StoreError.writerLocked(let database, let lockFile, let holder)? = error as? StoreError else { return false }
            let text = "\(error)"
            return database == db.path && lockFile.hasSuffix("store.db.lock") && holder.hasPrefix("pid \(getpid()) (this process) since ")
                && text.hasPrefix("\(db.path) is already open for writing by pid \(getpid())")
        }
        // The first writer was not disturbed, and once it is closed the file has a writer again.
        _ = try first.ingest([.pod(PodBuilder().with { $0.name = "web-1"; $0.uid = "u-1" }.pod)], observedAt: minute(1))
        first.close()
        let second = try EventStore(path: db.path)
        #expect(second.headPosition == first.headPosition)
        _ = try second.ingest([.pod(PodBuilder().with { $0.name = "web-2"; $0.uid = "u-2" }.pod)], observedAt: minute(2))
        #expect(try second.verify().isClean)
    }

    @Test func migrateIsAWriterToo() throws {
        let db = TemporaryDatabase()
        let writer = try EventStore(path: db.path)
        #expect(throws: StoreError.self) { _ = try EventStore.migrate(path: db.path) }
        writer.close()
        #expect(try EventStore.migrate(path: db.path).applied.isEmpty)
    }

    @Test func anotherSpellingOfThePathSharesTheLock() throws {
        let db = TemporaryDatabase()
        let writer = try EventStore(path: db.path)
        let link = db.directory.appendingPathComponent("link.db").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: db.path)
        let dotted = db.directory.path + "/./store.db"
        for path in [link, dotted] {
            #expect(throws: StoreError.self, "\(path)") { _ = try EventStore(path: path) }
        }
        withExtendedLifetime(writer) {}
    }

    @Test func readersTakeNoLockAndReadNextToTheWriter() throws {
        let db = TemporaryDatabase()
        let writer = try EventStore(path: db.path)
        _ = try writer.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        let reader = try EventStore(path: db.path, access: .readOnly)
        #expect(reader.headPosition == writer.headPosition)
        #expect(reader.immutableSnapshot == nil)
        // The writer goes on while the reader is open.
        _ = try writer.ingest([.pod(PodBuilder().with { $0.name = "web-1"; $0.uid = "u-1" }.pod)], observedAt: minute(1))
        #expect(try EventStore(path: db.path, access: .readOnly).headPosition == writer.headPosition)
        withExtendedLifetime(reader) {}
    }

    @Test func aLockFileLeftByADeadProcessDoesNotBlock() throws {
        let db = TemporaryDatabase()
        let lockFile = db.path + ".lock"
        // What a writer killed with SIGKILL leaves: its record, and no lock (the kernel released it).
        try Data("pid=2147483646\nsince=2026-11-02T09:00:00Z\ncommand=vpa-store serve\n".utf8)
            .write(to: URL(fileURLWithPath: lockFile))
        let store = try EventStore(path: db.path)
        let recorded = String(decoding: bytes(lockFile) ?? Data(), as: UTF8.self)
        #expect(recorded.hasPrefix("pid=\(getpid())\nsince="))
        store.close()
        // A clean close leaves the file (see WriterLock) but names no one.
        #expect(bytes(lockFile)?.isEmpty == true)
    }

    @Test func theHolderRecordIsReadDefensively() {
        #expect(WriterLock.parseHolder("pid=42\nsince=2026-11-02T09:00:00Z\ncommand=vpa-store serve\n").description
            == "pid 42 (vpa-store serve) since 2026-11-02T09:00:00Z")
        #expect(WriterLock.parseHolder("").description.hasPrefix("another process"))
        #expect(WriterLock.parseHolder("pid=-3\nsince=yesterday\ncommand=a\u{1B}[2Jb\n").pid == nil)
        #expect(WriterLock.parseHolder("command=a\u{1B}[2Jb\n").command == "a[2Jb")
    }
}

/// Issue 16, finding 12: `ingest` into another application's SQLite file added vpa-store's tables to
/// it, and a file that is not a database failed with a raw `SQLite error 26 … PRAGMA`.
@Suite("Only vpa-store's own databases are opened")
struct DatabaseIdentityTests {
    @Test func aNewDatabaseCarriesVPAStoresApplicationID() throws {
        let db = TemporaryDatabase()
        _ = try EventStore(path: db.path)
        #expect(try applicationID(db.path) == 0x5650_4153)
        #expect(try applicationID(db.path) == Int64(DatabaseIdentity.vpaStoreApplicationID))
    }

    @Test func aFileThatIsNotADatabaseIsRefusedByNameAndLeftAlone() throws {
        let db = TemporaryDatabase()
        let text = Data(String(repeating: "apiVersion: v1\nkind: Pod\n", count: 40).utf8)
        try text.write(to: URL(fileURLWithPath: db.path))
        for access in [EventStore.Access.readWrite, .readOnly] {
            #expect("\(access)") {
                _ = try EventStore(path: db.path, access: access)
            } throws: { error in
                guard case StoreError.notADatabase(let path)? = error as? StoreError else { return false }
                return path == db.path && "\(error)".hasPrefix("\(db.path) is not a SQLite database: ")
            }
        }
        // The refused writer released its lock: the next one is refused for the file, not the lock.
        #expect {
            _ = try EventStore.migrate(path: db.path)
        } throws: { error in
            if case StoreError.notADatabase? = error as? StoreError { true } else { false }
        }
        #expect(bytes(db.path) == text)
        #expect(!FileManager.default.fileExists(atPath: db.path + "-wal"))
    }

    @Test func anotherApplicationsDatabaseIsRefusedAndLeftAlone() throws {
        let db = TemporaryDatabase()
        try makeDatabase(db.path, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO accounts VALUES (1, 'ann');")
        let before = bytes(db.path)
        for access in [EventStore.Access.readWrite, .readOnly] {
            #expect("\(access)") {
                _ = try EventStore(path: db.path, access: access)
            } throws: { error in
                guard case StoreError.foreignDatabase(let path, 0, ["accounts"])? = error as? StoreError else { return false }
                return path == db.path && "\(error)".hasPrefix("\(db.path) is another application's SQLite database (tables accounts; ")
            }
        }
        #expect(throws: StoreError.self) { _ = try EventStore.migrate(path: db.path) }
        // Not one byte written: no vpa-store table, no application id, still in rollback-journal mode.
        #expect(bytes(db.path) == before)
    }

    @Test func anotherToolsSchemaMigrationsTableIsNotVPAStores() throws {
        let db = TemporaryDatabase()
        // Rails' table of the same name.
        try makeDatabase(db.path, "CREATE TABLE schema_migrations (version VARCHAR NOT NULL PRIMARY KEY);")
        #expect(throws: StoreError.self) { _ = try EventStore(path: db.path) }
    }

    @Test func aDatabaseWithAnotherApplicationIDIsRefused() throws {
        let db = TemporaryDatabase()
        // Even with no tables at all: the id says whose it is.
        try makeDatabase(db.path, "PRAGMA application_id = 305419896")  // 0x12345678
        #expect {
            _ = try EventStore(path: db.path)
        } throws: { error in
            "\(error)".hasPrefix("\(db.path) belongs to another application (SQLite application_id 0x12345678; vpa-store's is 0x56504153)")
        }
        #expect(try applicationID(db.path) == 0x1234_5678)
    }

    @Test func aDatabaseOfAVPAStoreFromBeforeTheIDStillOpensAndGetsIt() throws {
        let db = TemporaryDatabase()
        do {
            let store = try EventStore(path: db.path)
            _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
            // As vpa-store wrote databases before the application id existed.
            try store.connection.execute("PRAGMA application_id = 0")
        }
        #expect(try applicationID(db.path) == 0)
        // A reader accepts it and writes nothing.
        let reader = try EventStore(path: db.path, access: .readOnly)
        #expect(reader.headPosition == 2)
        #expect(try applicationID(db.path) == 0)
        // The next writer accepts it and marks it as vpa-store's.
        let writer = try EventStore(path: db.path)
        #expect(writer.headPosition == 2)
        #expect(try applicationID(db.path) == 0x5650_4153)
        #expect(try writer.verify().isClean)
    }

    @Test func anEmptyFileBecomesADatabase() throws {
        let db = TemporaryDatabase()
        FileManager.default.createFile(atPath: db.path, contents: Data())
        let store = try EventStore(path: db.path)
        #expect(store.headPosition == 0)
        #expect(try applicationID(db.path) == 0x5650_4153)
    }
}

/// Issue 16, finding 13: a read-only copy (0444 file in a 0555 directory) could not be queried:
/// SQLite error 1544, SQLITE_READONLY_DIRECTORY, for the `-shm` file it could not create.
///
/// Permission bits do not stop root, and CI runs as root: there the original failure cannot happen.
/// So these tests exercise the immutable open itself (environment-independent), the errors that
/// trigger it, and the fallback through a `-shm` path nothing can create (a symbolic link into a
/// missing directory fails the same way for root). The permission case itself is tested end to end
/// by `FileSafetyTests` in VPAStoreCLITests, as an unprivileged user.
@Suite("Read-only copies are read as immutable snapshots")
struct ImmutableSnapshotTests {
    /// A database with two events in a fresh directory; the writer is closed (its WAL checkpointed).
    private func storeWithTwoEvents() throws -> TemporaryDatabase {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        store.close()
        #expect(!FileManager.default.fileExists(atPath: db.path + "-wal"))
        return db
    }

    @Test func theURIEncodesEveryByteSQLiteWouldReadAsSyntax() {
        #expect(SQLiteConnection.immutableURI("/tmp/a b/c?d#e%f&g.db") == "file:///tmp/a%20b/c%3Fd%23e%25f%26g.db?immutable=1")
        #expect(SQLiteConnection.immutableURI("rel/é.db") == "file:rel/%C3%A9.db?immutable=1")
        #expect(SQLiteConnection.immutableURI("//host/x.db") == "file:////host/x.db?immutable=1")
    }

    @Test func anImmutableOpenReadsACopyWhoseNameNeedsEncodingAndCreatesNothingBesideIt() throws {
        let db = try storeWithTwoEvents()
        let directory = db.directory.appendingPathComponent("copy ?#%& dir")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("store?.db").path
        try FileManager.default.copyItem(atPath: db.path, toPath: copy)
        let connection = try SQLiteConnection(path: copy, mode: .immutable)
        #expect(try connection.scalarInt("SELECT count(*) FROM events") == 2)
        #expect(try DatabaseIdentity(reading: connection).isVPAStoreDatabase)
        connection.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["store?.db"])
    }

    @Test func onlyAMissingSharedMemoryFileLeadsToASnapshot() {
        #expect(StoreFile.needsImmutableSnapshot(SQLiteError(code: 1544, message: "attempt to write a readonly database")))
        #expect(StoreFile.needsImmutableSnapshot(SQLiteError(code: 1288, message: "")))
        #expect(StoreFile.needsImmutableSnapshot(SQLiteError(code: 14, message: "unable to open database file")))
        #expect(!StoreFile.needsImmutableSnapshot(SQLiteError(code: 5, message: "database is locked")))
        #expect(!StoreFile.needsImmutableSnapshot(SQLiteError(code: 26, message: "file is not a database")))
        #expect(!StoreFile.needsImmutableSnapshot(SQLiteError(code: 11, message: "database disk image is malformed")))
    }

    @Test func aReaderThatCannotCreateTheSharedMemoryFileReadsASnapshotAndSaysSo() throws {
        let db = try storeWithTwoEvents()
        // SQLite cannot create `-shm` through a link into a directory that does not exist, root or not.
        try FileManager.default.createSymbolicLink(atPath: db.path + "-shm", withDestinationPath: "/nonexistent-vpa-store-test/shm")
        let reader = try EventStore(path: db.path, access: .readOnly)
        #expect(reader.headPosition == 2)
        #expect(try reader.verify().isClean)
        let snapshot = try #require(reader.immutableSnapshot)
        #expect(snapshot.description == "\(db.path) is read-only here (SQLite cannot create \(db.path)-shm beside it); opened as an immutable snapshot")
    }

    @Test func theNoteSaysWhenAWriteAheadLogIsNotRead() {
        let note = ImmutableSnapshot(path: "copy/store.db", unreadWriteAheadLogBytes: 4152)
        #expect(note.description.contains("without its write-ahead log copy/store.db-wal (4152 bytes): the last commits may be missing"))
    }
}

extension WriterLockTests {
    @Test func aWriterInADirectoryThatDoesNotExistIsToldSo() {
        #expect {
            _ = try EventStore(path: "/nonexistent-vpa-store-test/store.db")
        } throws: { error in
            "\(error)" == "cannot lock /nonexistent-vpa-store-test/store.db for writing: its lock file "
                + "/nonexistent-vpa-store-test/store.db.lock: No such file or directory; create the directory first"
        }
    }
}

extension WriterLockTests {
    @Test func aClosedStoreThrowsInsteadOfTouchingTheFile() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        store.close()
        store.close()  // twice is harmless
        #expect(throws: StoreError.self) {
            _ = try store.ingest([.pod(PodBuilder().with { $0.name = "web-1"; $0.uid = "u-1" }.pod)], observedAt: minute(1))
        }
        #expect(throws: StoreError.self) { _ = try store.events() }
        #expect(try EventStore(path: db.path, access: .readOnly).headPosition == 2)
    }
}
