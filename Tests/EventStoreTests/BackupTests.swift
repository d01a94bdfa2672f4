@testable import EventStore
import Foundation
import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreTestSupport

/// `EventStore.backup` and `EventStore.restore`: a consistent copy taken while a writer commits, and
/// a restore that refuses a live database and replaces a file all at once or not at all.
struct BackupTests {
    /// A writer on a thread of its own that ingests until stopped: each round observes every pod with
    /// a new CPU request, so each commit appends one event per pod, as a feed does under load.
    final class ContinuousIngest: @unchecked Sendable {  // Every field is read and written under `lock`.
        private let lock = NSCondition()
        private var head: Int64 = 0
        private var commits = 0
        private var stopping = false
        private var finished = false
        private var failure: (any Error)?

        init(path: String, pods: Int) {
            Thread { [self] in
                do {
                    let store = try EventStore(path: path)
                    var round: Int64 = 0
                    while !lock.withLock({ stopping }) {
                        round += 1
                        let observations = (0..<pods).map { Observation.pod(BackupTests.pod($0, cpu: 100 + round)) }
                        _ = try store.ingest(observations, observedAt: minute(round))
                        lock.withLock {
                            head = store.headPosition
                            commits += 1
                            lock.broadcast()
                        }
                    }
                    store.close()
                } catch {
                    lock.withLock { failure = error }
                }
                lock.withLock {
                    finished = true
                    lock.broadcast()
                }
            }.start()
        }

        /// Commits so far.
        var commitCount: Int { lock.withLock { commits } }

        /// Waits until more than `count` commits are done (or the writer failed); false after `timeout`.
        func waitForCommits(beyond count: Int, timeout: TimeInterval = 30) -> Bool {
            let deadline = Date(timeIntervalSinceNow: timeout)
            return lock.withLock {
                while commits <= count && failure == nil && !finished {
                    if !lock.wait(until: deadline) { return false }
                }
                return commits > count
            }
        }

        /// Stops the writer and returns its head; throws what made it fail, if anything did.
        func stop() throws -> Int64 {
            try lock.withLock {
                stopping = true
                while !finished { lock.wait() }
                if let failure { throw failure }
                return head
            }
        }
    }

    static func pod(_ index: Int, cpu: Int64) -> PodObservation {
        PodBuilder().with { pod in
            pod.name = "web-\(index)"
            pod.uid = "6f1c1f4e-0000-4000-8000-" + String(repeating: "0", count: 12 - String(index).count) + String(index)
            pod.desired = PodBuilder.resources(cpu: cpu, memoryMi: 256)
        }.pod
    }

    /// Every column of every event up to `head`, as stored.
    static func rawEvents(_ path: String, through head: Int64) throws -> [[SQLiteValue]] {
        let connection = try SQLiteConnection(path: path, mode: .readOnly)
        defer { connection.close() }
        var rows: [[SQLiteValue]] = []
        try connection.prepare("SELECT * FROM events WHERE position <= ? ORDER BY position").forEachRow([.int(head)]) {
            rows.append($0.values())
        }
        return rows
    }

    /// Files in `directory` whose names say they are a staged copy or a server's backup.
    static func leftovers(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
    }

    /// A store with `pods` pods observed `rounds` times.
    static func seeded(_ path: String, pods: Int = 50, rounds: Int64 = 3) throws {
        let store = try EventStore(path: path)
        for round in 1...rounds {
            _ = try store.ingest((0..<pods).map { .pod(pod($0, cpu: 100 + round)) }, observedAt: minute(round))
        }
        store.close()
    }

    @Test func aBackupTakenUnderContinuousIngestIsOneSnapshotThatVerifies() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try Self.seeded(db.path, pods: 300, rounds: 4)
            let writer = ContinuousIngest(path: db.path, pods: 40)
            #expect(writer.waitForCommits(beyond: 2))
            let backupPath = db.directory.appendingPathComponent("backup.db").path
            var steps = 0
            var commitsDuringCopy = 0
            // 8 pages per step: many steps, so the writer commits between them (and during them).
            let summary = try EventStore.backup(databaseAt: db.path, to: backupPath, pagesPerStep: 8) { copied, total in
                steps += 1
                #expect(copied <= total)
                // A copy that starts over at every commit never ends: fail instead of hanging.
                if steps > 20_000 { throw BackupError.cancelled }
                if steps == 2 {
                    // The writer is not blocked by the copy: it commits while the copy is half-way.
                    let before = writer.commitCount
                    #expect(writer.waitForCommits(beyond: before + 2), "the writer committed nothing while the backup ran")
                    commitsDuringCopy = writer.commitCount - before
                }
            }
            // Commits after the backup's snapshot, so the live head is beyond the backup's.
            #expect(writer.waitForCommits(beyond: writer.commitCount + 1))
            let liveHead = try writer.stop()

            #expect(steps > 2)
            #expect(commitsDuringCopy >= 3)
            #expect(summary.headPosition > 0)
            #expect(summary.headPosition < liveHead)
            #expect(summary.bytes == Int64(try FileManager.default.attributesOfItem(atPath: backupPath)[.size] as! Int))
            #expect(try Self.leftovers(in: db.directory).isEmpty)

            let backup = try EventStore(path: backupPath, access: .readOnly)
            #expect(backup.headPosition == summary.headPosition)
            #expect(backup.storeID == summary.storeID)
            let report = try backup.verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.eventsChecked == summary.eventCount)
            backup.close()
            // Every event up to the backup's head, byte for byte as the live store has it.
            let copied = try Self.rawEvents(backupPath, through: .max)
            #expect(copied.count == Int(summary.eventCount))
            #expect(copied == (try Self.rawEvents(db.path, through: summary.headPosition)))
            let live = try EventStore(path: db.path, access: .readOnly)
            #expect(live.storeID == summary.storeID)
            #expect(try live.verify().isClean)
        }
    }

    @Test func aBackupRefusesTheDatabaseItselfAnExistingFileAndALiveDatabase() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try Self.seeded(db.path)
            #expect(throws: BackupError.self) { try EventStore.backup(databaseAt: db.path, to: db.path, replacing: true) }
            let existing = db.directory.appendingPathComponent("existing.db").path
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
            do {
                _ = try EventStore.backup(databaseAt: db.path, to: existing)
                Issue.record("an existing file was overwritten without replacing")
            } catch let error as BackupError {
                #expect("\(error)".contains("already exists (7 bytes)"), "\(error)")
                #expect("\(error)".contains("--force"))
            }
            #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
            // Replacing is allowed for a file, never for a database a writer has open.
            let other = TemporaryDatabase()
            let otherWriter = try EventStore(path: other.path)
            do {
                _ = try EventStore.backup(databaseAt: db.path, to: other.path, replacing: true)
                Issue.record("a live database was overwritten")
            } catch let error as BackupError {
                #expect("\(error)".contains("is a live database, open for writing by pid \(getpid()) (this process)"), "\(error)")
            }
            #expect(otherWriter.headPosition == 0)
            otherWriter.close()
            let summary = try EventStore.backup(databaseAt: db.path, to: existing, replacing: true)
            #expect(summary.headPosition == (try EventStore(path: db.path, access: .readOnly).headPosition))
            #expect(try EventStore(path: existing, access: .readOnly).verify().isClean)
            #expect(throws: StoreError.self) { try EventStore.backup(databaseAt: db.directory.appendingPathComponent("none.db").path, to: existing + "2") }
        }
    }

    @Test func aBackupStoppedHalfWayLeavesNoFile() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try Self.seeded(db.path, pods: 200)
            let target = db.directory.appendingPathComponent("backup.db").path
            var steps = 0
            #expect(throws: BackupError.self) {
                try EventStore.backup(databaseAt: db.path, to: target, pagesPerStep: 4) { _, _ in
                    steps += 1
                    if steps == 3 { throw BackupError.cancelled }
                }
            }
            #expect(steps == 3)
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try Self.leftovers(in: db.directory).isEmpty)
        }
    }

    @Test func aRestoredBackupVerifiesHoldsEveryEventAndHasANewStoreID() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try Self.seeded(db.path)
            let backupPath = db.directory.appendingPathComponent("backup.db").path
            let backup = try EventStore.backup(databaseAt: db.path, to: backupPath)
            let restoredPath = db.directory.appendingPathComponent("restored.db").path
            let summary = try EventStore.restore(backupAt: backupPath, to: restoredPath, now: minute(100))
            // Nothing beside it: the new store id is in the file itself.
            for suffix in ["-wal", "-shm", "-journal"] { #expect(!FileManager.default.fileExists(atPath: restoredPath + suffix)) }
            #expect(summary.verify.isClean)
            #expect(!summary.replacedExisting)
            #expect(summary.headPosition == backup.headPosition)
            #expect(summary.eventCount == backup.eventCount)
            #expect(summary.backupStoreID == backup.storeID)
            #expect(summary.storeID != backup.storeID && summary.storeID.count == 32)
            #expect(try Self.rawEvents(restoredPath, through: .max) == (try Self.rawEvents(db.path, through: .max)))
            #expect(try Self.leftovers(in: db.directory).isEmpty)

            // A writer opens it and goes on from the backup's head.
            let restored = try EventStore(path: restoredPath)
            #expect(restored.storeID == summary.storeID)
            #expect(try restored.meta("restored_from") == "store \(backup.storeID) at position \(backup.headPosition), restored \(minute(100).rfc3339)")
            _ = try restored.ingest([.pod(Self.pod(0, cpu: 999))], observedAt: minute(50))
            #expect(restored.headPosition > backup.headPosition)
            #expect(try restored.verify().isClean)
        }
    }

    @Test func aRestoreRefusesALiveDatabaseNamingItsWriterAndAnExistingOneWithoutReplacing() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try Self.seeded(db.path)
            let backupPath = db.directory.appendingPathComponent("backup.db").path
            _ = try EventStore.backup(databaseAt: db.path, to: backupPath)
            let live = try EventStore(path: db.path)
            _ = try live.ingest([.pod(Self.pod(0, cpu: 777))], observedAt: minute(10))
            let liveHead = live.headPosition
            do {
                _ = try EventStore.restore(backupAt: backupPath, to: db.path, replacing: true)
                Issue.record("a live database was replaced")
            } catch let error as BackupError {
                #expect("\(error)".contains("\(db.path) is a live database, open for writing by pid \(getpid()) (this process)"), "\(error)")
                #expect("\(error)".contains("stop that process"))
            }
            live.close()
            do {
                _ = try EventStore.restore(backupAt: backupPath, to: db.path)
                Issue.record("an existing database was replaced without replacing")
            } catch let error as BackupError {
                #expect("\(error)".contains("\(db.path) already exists"), "\(error)")
            }
            #expect(try EventStore(path: db.path, access: .readOnly).headPosition == liveHead)
            let summary = try EventStore.restore(backupAt: backupPath, to: db.path, replacing: true)
            #expect(summary.replacedExisting)
            #expect(summary.headPosition < liveHead)
            let restored = try EventStore(path: db.path, access: .readOnly)
            #expect(restored.headPosition == summary.headPosition)
            #expect(try restored.verify().isClean)
        }
    }

    @Test func aRestoreOfADamagedOrInconsistentBackupLeavesTheTargetAsItWas() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try Self.seeded(db.path, pods: 200)
            let target = db.directory.appendingPathComponent("target.db").path
            try Self.seeded(target, pods: 5, rounds: 1)
            let targetBytes = try Data(contentsOf: URL(fileURLWithPath: target))

            // Pages overwritten in the middle of the file: SQLite's integrity check fails.
            let damaged = db.directory.appendingPathComponent("damaged.db").path
            _ = try EventStore.backup(databaseAt: db.path, to: damaged)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: damaged))
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: size / 2 / 4096 * 4096)
            try handle.write(contentsOf: Data(repeating: 0x5A, count: 3 * 4096))
            try handle.close()
            #expect(throws: (any Error).self) { try EventStore.restore(backupAt: damaged, to: target, replacing: true) }

            // Sound pages, but a projection row that a replay does not give: `verify` fails.
            let inconsistent = db.directory.appendingPathComponent("inconsistent.db").path
            _ = try EventStore.backup(databaseAt: db.path, to: inconsistent)
            let connection = try SQLiteConnection(path: inconsistent, mode: .readWriteCreate)
            try connection.execute("UPDATE resource_history SET desired_request_cpu = 1 WHERE from_position = (SELECT min(from_position) FROM resource_history)")
            connection.close()
            do {
                _ = try EventStore.restore(backupAt: inconsistent, to: target, replacing: true)
                Issue.record("a backup that fails verify was restored")
            } catch let error as BackupError {
                #expect("\(error)".contains("does not verify"), "\(error)")
                #expect("\(error)".contains("resource_history"), "\(error)")
            }

            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == targetBytes)
            #expect(try Self.leftovers(in: db.directory).isEmpty)
            #expect(try EventStore(path: target, access: .readOnly).verify().isClean)
        }
    }

    @Test func sha256MatchesTheStandardVectorsInAnyPieces() {
        #expect(BackupChecksum.hex(BackupChecksum.digest([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(BackupChecksum.hex(BackupChecksum.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(BackupChecksum.hex(BackupChecksum.digest(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var pieces = BackupChecksum()
        var offset = 0
        for size in [1, 63, 64, 65, 127, 1000, 4096] + Array(repeating: 99_991, count: 10) where offset < million.count {
            let end = min(million.count, offset + size)
            pieces.update(Array(million[offset..<end]))
            offset = end
        }
        pieces.update(Array(million[offset...]))
        #expect(BackupChecksum.hex(pieces.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
