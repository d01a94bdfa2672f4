import ArgumentParser
import DaemonSupport
import EventStore
import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--db FILE`, shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database file.", discussion: "Default: $VPA_STORE_DB, or ./vpa-store.db.", valueName: "file"))
    var db: String?

    /// The file to use: `--db`, else `$VPA_STORE_DB`, else `./vpa-store.db`.
    var path: String {
        if let db { return db }
        if let environment = getenv("VPA_STORE_DB"), environment.pointee != 0 { return String(cString: environment) }
        return "./vpa-store.db"
    }

    /// Opens the database for reading only: never writes, safe next to a running writer. Says so on
    /// standard error when the file is read as an immutable snapshot (a read-only copy).
    func openForReading() throws -> EventStore {
        let store = try EventStore(path: path, access: .readOnly)
        if let snapshot = store.immutableSnapshot { writeToStandardError("note: \(snapshot)\n") }
        return store
    }

    /// Opens (creating and migrating if needed) the database for writing, as its one writer: fails
    /// naming the holder when another process (a `serve`, an `ingest`) has it open for writing.
    func openForWriting() throws -> EventStore {
        try EventStore(path: path, access: .readWrite)
    }
}

/// `--format`, shared by the query subcommands.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, ndjson or csv.")
    var format: OutputFormat = .table
}

/// Parsing of time arguments.
enum TimeArgument {
    /// What every time flag accepts, for help texts.
    static let grammar = Timestamp.argumentGrammar

    /// A time: RFC 3339 (`2026-11-02T09:00:00Z`), a date alone (`2026-11-02`, midnight UTC), or a
    /// duration (`2h`, `30m`, `1d12h`) meaning that long before now.
    static func parse(_ text: String) throws -> Timestamp { try parse(text, now: .now) }

    static func parse(_ text: String, now: Timestamp) throws -> Timestamp {
        guard let time = Timestamp(argument: text, now: now) else {
            throw ValidationError("\"\(text)\" is not a time: give \(grammar)")
        }
        return time
    }

    /// A duration such as 90s, 5m, 1h, 1h30m or 250ms, in milliseconds (the daemons' flags read the same).
    static func parseDuration(_ text: String) throws -> Int64 {
        try DaemonCommandLine.parseDuration(text).wholeMilliseconds
    }
}

extension InPlaceMode: ExpressibleByArgument {}
extension ResizeState: ExpressibleByArgument {}

/// Whether standard error is a terminal (progress is shown only there).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// Writes text to standard error, unbuffered (file descriptor 2, so no shared C `FILE` is touched).
func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// `--usage-retention`: how long usage samples are kept, shared by every command that writes.
struct UsageRetentionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Remove usage samples older than this, counted back from the newest sample (e.g. 8d, 36h); 'off' keeps them.",
        valueName: "duration"), transform: UsageRetentionOptions.parse)
    var usageRetention: Int64 = EventStore.defaultUsageRetention.wholeMilliseconds

    /// nil = keep forever.
    var retention: Duration? { usageRetention > 0 ? .milliseconds(usageRetention) : nil }

    static func parse(_ text: String) throws -> Int64 {
        if text == "off" { return 0 }
        let milliseconds = try TimeArgument.parseDuration(text)
        guard milliseconds > 0 else { throw ValidationError("--usage-retention must be longer than zero, or 'off'") }
        return milliseconds
    }
}
