import EventStore
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import StoreAPI
import StoreRPC
import StoreWire

/// The databases a Backup is being taken of in this process. One at a time per database: each holds
/// a copy of the whole file on its disk until it is sent.
private let databasesBeingBackedUp = NIOLockedValueBox<Set<String>>([])

extension StoreService {
    /// Serves one Backup. The copy is taken with SQLite's online backup through a connection of its
    /// own (`UnlinkedBackup`, on NIO's blocking thread pool), so the store's writer goes on
    /// committing meanwhile; it is written to a hidden file in the database's directory and unlinked
    /// once open. Then: a `BackupInfo` message, the file in chunks of at most 1 MiB (each read only
    /// when the connection has room for it, so a slow client holds one chunk, not the file), and the
    /// SHA-256 of everything sent.
    ///
    /// Why a file and not memory: a database of a few GiB would be held in this process for as long
    /// as the slowest client takes to read it; the disk beside the database has the room by
    /// construction (the database grew there) or the copy fails cleanly with ENOSPC.
    func backup(_ request: BackupRequest, _ call: ServerCall) async throws {
        let path = configuration.databasePath
        let admitted = databasesBeingBackedUp.withLockedValue { $0.insert(path).inserted }
        guard admitted else {
            throw RPCStatus(.resourceExhausted, "another Backup of this store is running; retry when it has ended")
        }
        defer { _ = databasesBeingBackedUp.withLockedValue { $0.remove(path) } }

        let started = ContinuousClock.now
        let backup: UnlinkedBackup
        do {
            backup = try await NIOThreadPool.singleton.runIfActive {
                try UnlinkedBackup.take(ofDatabaseAt: path) { _, _ in
                    // The client cancelled or went away, or the deadline passed: stop copying.
                    if call.hasEnded { throw BackupError.cancelled }
                }
            }
        } catch {
            throw backupStatus(error)
        }
        let summary = backup.summary
        logger.info("Backup taken", metadata: [
            "backup.head": "\(summary.headPosition)", "backup.events": "\(summary.eventCount)",
            "backup.bytes": "\(summary.bytes)", "backup.duration": "\(ContinuousClock.now - started)",
        ])
        try await call.respond(BackupChunk.info(BackupInfo(headPosition: summary.headPosition, eventCount: summary.eventCount,
                                                           totalBytes: UInt64(summary.bytes), storeID: summary.storeID)).encoded())
        let chunkBytes = min(BackupChunk.maximumDataBytes, call.maximumMessageBytes - BackupChunk.dataOverheadBytes)
        var hash = BackupChecksum()
        var offset: Int64 = 0
        while offset < summary.bytes {
            try await call.respond { () async throws -> [UInt8]? in
                let count = Int(min(Int64(chunkBytes), summary.bytes - offset))
                let (bytes, updated) = try await NIOThreadPool.singleton.runIfActive { [hash, offset] in
                    var hash = hash
                    let bytes = try backup.read(at: offset, count: count)
                    hash.update(bytes)
                    return (bytes, hash)
                }
                guard bytes.count == count else {
                    throw RPCStatus(.internal, "the backup file ended at \(offset + Int64(bytes.count)) of \(summary.bytes) bytes")
                }
                let message = BackupChunk.data(offset: UInt64(offset), bytes: bytes).encoded()
                hash = updated
                offset += Int64(count)
                return message
            }
        }
        try await call.respond(BackupChunk.end(sha256: hash.finalize()).encoded())
        logger.info("Backup sent", metadata: ["backup.bytes": "\(summary.bytes)", "backup.duration": "\(ContinuousClock.now - started)"])
    }

    /// The status a failed backup ends with.
    private func backupStatus(_ error: any Error) -> RPCStatus {
        switch error {
        case let error as RPCStatus:
            return error
        case BackupError.cancelled:
            return RPCStatus(.cancelled, "\(BackupError.cancelled)")
        case let error as StoreError:
            return RPCStatus(error)
        case let error as SQLiteError:
            return RPCStatus(StoreError.sqlite(error))
        default:
            logger.error("Backup failed", metadata: ["error": "\(error)"])
            return RPCStatus(.internal, "the backup failed on the server: \(error)")
        }
    }
}
