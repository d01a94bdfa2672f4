import ArgumentParser
import EventStore
import StoreAPI
import StoreRPC
import StoreWire
import VPAStoreClient

/// `vpa-store backup`: a consistent copy of the database, taken while it is being written.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a file with SQLite's online backup, while a server or an ingest writes it.",
        discussion: """
            The copy is one snapshot: it holds every event up to the head it reports and nothing after. \
            With --db it reads the file (safe next to a running `serve`); with --server the server takes \
            the copy and streams it, checked against its SHA-256. The file is written under a temporary \
            name beside --to and renamed when complete, so a failure leaves nothing. \
            Check a backup with `vpa-store verify --db FILE`; put it back with `vpa-store restore`.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: ArgumentHelp("The backup file to write.", valueName: "file"))
    var to: String

    @Flag(name: .long, help: "Replace --to if it exists (never a database a running writer has open).")
    var force = false

    @Option(name: .long, help: ArgumentHelp(
        "Database pages copied per step (file mode).", discussion: "The writer keeps committing between and during steps.",
        valueName: "n"))
    var pagesPerStep: Int32 = EventStore.defaultBackupPagesPerStep

    func validate() throws {
        if to.isEmpty { throw ValidationError("--to needs a file name") }
        if pagesPerStep < 1 { throw ValidationError("--pages-per-step must be at least 1") }
        if server.server != nil && database.db != nil {
            throw ValidationError("give --db (back up a file) or --server (ask a running server), not both")
        }
    }

    func run() async throws {
        let start = MonotonicClock.now()
        let head: Int64, events: Int64, bytes: Int64, storeID: String, source: String
        var digest = ""
        if let endpoint = server.server {
            try EventStore.checkBackupTarget(to, replacing: force)
            let client = StoreClient(endpoint: endpoint, token: try server.token(), peerName: "vpa-store backup", tls: server.clientTLS)
            let staged = try StagedFile(replacing: to)
            let received: ReceivedBackup
            do {
                received = try await client.backup { chunk in try staged.write(chunk) }
            } catch let error as RPCStatus {
                throw CLIError("\(endpoint): \(error)")
            }
            await client.close()
            try staged.commit()
            (head, events, bytes, storeID) = (received.info.headPosition, received.info.eventCount,
                                              Int64(received.info.totalBytes), received.info.storeID)
            // Checked against the bytes received; shown so the file can be checked again later.
            digest = "; sha256 \(BackupChecksum.hex(received.sha256))"
            source = "\(endpoint)"
        } else {
            var lastShown = 0
            let summary = try EventStore.backup(databaseAt: database.path, to: to, replacing: force,
                                                pagesPerStep: pagesPerStep) { copied, total in
                guard standardErrorIsTerminal, copied - lastShown >= 4096 || copied == total else { return }
                lastShown = copied
                writeToStandardError("\rcopied \(copied)/\(total) pages")
            }
            Progress.finish()
            (head, events, bytes, storeID) = (summary.headPosition, summary.eventCount, summary.bytes, summary.storeID)
            source = database.path
        }
        print("backed up \(source) to \(to): head position \(head), \(events) events, \(bytes) bytes (store \(storeID)) "
              + "in \(Progress.format(MonotonicClock.seconds(since: start))) s\(digest)")
    }
}
