import ArgumentParser
import EventStore

/// `vpa-store restore`: put a backup back as a database a server can serve.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup to --db, after checking it with SQLite's integrity check and `verify`.",
        discussion: """
            Refuses a --db that a running `serve` or `ingest` has open (stop it first), and an existing \
            non-empty --db unless --force. The backup is copied beside --db, checked, and renamed into \
            place, so a failure leaves --db as it was. The restored database gets a new store id: clients \
            that resume a watch by position start again instead of skipping what the restore undid.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("The backup file (written by `vpa-store backup`).", valueName: "file"))
    var from: String

    @Flag(name: .long, help: "Replace --db if it exists (never while a writer has it open).")
    var force = false

    func run() throws {
        let start = MonotonicClock.now()
        let summary = try EventStore.restore(backupAt: from, to: database.path, replacing: force,
                                             verifyProgress: Progress.reporter(label: "verified"))
        Progress.finish()
        print("restored \(from) to \(summary.path)\(summary.replacedExisting ? " (replaced the file there)" : ""): "
              + "head position \(summary.headPosition), \(summary.eventCount) events, \(summary.bytes) bytes; "
              + "integrity check and verify clean (\(summary.verify.podsCompared) pods, \(summary.verify.rowsCompared) rows); "
              + "new store id \(summary.storeID) (the backup's was \(summary.backupStoreID)) "
              + "in \(Progress.format(MonotonicClock.seconds(since: start))) s")
    }
}
