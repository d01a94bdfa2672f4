import ArgumentParser
import EventStore
import Foundation
import VPAModel

/// `vpa-store compact`: remove the log before a cut, keeping every answer at or after it.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Remove events older than a cut, keeping the projections and the history that answers --at at or after it.",
        discussion: """
            The cut is the last position before the first event that occurred at or after --before (or --keep before \
            the newest event, never later than now). Removed: those events, history rows closed before the cut, older \
            resize transitions, their OOM kills and usage samples, and idempotency keys of writes before it. Kept: the \
            projection at the cut (so verify and replay start from it), the rows in effect at the cut, everything after. \
            Reads below the cut then answer OUT_OF_RANGE naming the first position. Each --chunk positions is one \
            transaction (0: the whole cut in one); a compaction cut short is only less far along. Freed pages are \
            reused by later writes without VACUUM; --vacuum also gives them back to the file system (it rewrites the \
            file, and needs as much free disk). The store's writer: stop `serve` first, or run it with --compact-keep.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("Remove events that occurred before this time.",
                                            discussion: TimeArgument.grammar + "; how long ago counts from the machine's clock, --keep from the newest event.",
                                            valueName: "time"),
            transform: TimeArgument.parse)
    var before: Timestamp?

    @Option(name: .long, help: ArgumentHelp("Keep this much history before the newest event (e.g. 30d, 36h).", valueName: "duration"),
            transform: TimeArgument.parseDuration)
    var keep: Int64?

    @Option(name: .long, help: ArgumentHelp("Positions per transaction; 0 compacts in one transaction.", valueName: "positions"))
    var chunk: Int64 = EventStore.defaultCompactionChunk

    @Flag(name: .long, help: "Afterwards, VACUUM the file so it shrinks (rewrites it whole).")
    var vacuum = false

    func validate() throws {
        switch (before, keep) {
        case (nil, nil): throw ValidationError("give --before TIME (RFC 3339) or --keep DURATION (such as 30d): where to cut the log")
        case (.some, .some): throw ValidationError("--before and --keep exclude each other: give one cut")
        default: break
        }
        if let keep, keep <= 0 { throw ValidationError("--keep must be longer than zero") }
        if chunk < 0 { throw ValidationError("--chunk must be 0 (one transaction) or a number of positions") }
    }

    func run() throws {
        let sizeBefore = Self.fileSize(database.path)
        let store = try database.openForWriting()
        let started = MonotonicClock.now()
        let cut = try before ?? store.compactionCut(keep: .milliseconds(keep ?? 0))
        let summary = try store.compact(before: cut, chunkPositions: chunk > 0 ? chunk : nil) { progress in
            guard standardErrorIsTerminal else { return }
            writeToStandardError("\rcompacted through position \(progress.throughPosition), \(progress.eventsRemoved) events removed")
        }
        if standardErrorIsTerminal && summary.transactions > 0 { writeToStandardError("\n") }
        let seconds = MonotonicClock.seconds(since: started)
        let (pages, freePages, pageSize) = try store.fileUsage()
        if vacuum { try store.vacuum() }
        store.close()
        let sizeAfter = Self.fileSize(database.path)
        if summary.transactions == 0 {
            print("nothing to compact: no event before \(cut.rfc3339) after the current cut; the first position is \(summary.firstPosition)"
                  + (summary.throughPosition > 0 ? " (compacted through \(summary.throughPosition))" : ""))
        } else {
            print("compacted positions up to \(summary.throughPosition) (events that occurred before \(cut.rfc3339)) in "
                  + "\(summary.transactions) transaction(s), \(Progress.format(seconds))s: removed \(summary.eventsRemoved) events, "
                  + "\(summary.historyRowsRemoved) history rows, \(summary.transitionsRemoved) resize transitions, "
                  + "\(summary.oomKillsRemoved) OOM kills, \(summary.usageRowsRemoved) usage samples, "
                  + "\(summary.idempotencyKeysRemoved) idempotency keys; the first position is now \(summary.firstPosition)")
        }
        print("file \(database.path): \(sizeBefore) bytes before, \(sizeAfter) after"
              + (vacuum ? " (vacuumed)" : "; \(freePages) of \(pages) pages (\(freePages * pageSize) bytes) free for reuse by later writes"))
    }

    /// The database file's size in bytes (0 when it cannot be read).
    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
