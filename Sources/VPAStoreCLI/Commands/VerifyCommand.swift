import ArgumentParser
import EventStore

/// `vpa-store verify`: prove the projections equal a fresh replay and the log has no gap.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every position is present or removed by usage retention, every event decodes, and the projections equal a fresh replay.",
        discussion: "Read-only. Exits with status 1 and a report when anything is wrong.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForReading()
        let report = try store.verify(progress: Progress.reporter(label: "verified"))
        Progress.finish()
        if report.isClean {
            print("ok: \(report.eventsChecked) events, positions accounted for; \(report.podsCompared) pods and "
                  + "\(report.rowsCompared) projection rows equal a fresh replay (store \(store.storeID), head \(store.headPosition))"
                  + (store.compaction.map { "; compacted through position \($0.throughPosition), replayed from the projection kept at the cut" } ?? ""))
            return
        }
        print("FAILED: \(report.problems.count) problem(s) in \(database.path):")
        for problem in report.problems.prefix(50) { print("  - \(problem)") }
        if report.problems.count > 50 { print("  … and \(report.problems.count - 50) more") }
        throw ExitCode(1)
    }
}
