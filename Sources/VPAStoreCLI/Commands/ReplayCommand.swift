import ArgumentParser
import EventStore

/// `vpa-store replay`: rebuild every projection from the log.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Drop every projection and snapshot and rebuild them from the event log, in one transaction.",
        discussion: "A compacted log is rebuilt from the projection kept at its cut (see `vpa-store compact`), then the events after it.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForWriting()
        let started = MonotonicClock.now()
        let summary = try store.replay(progress: Progress.reporter(label: "replayed"))
        Progress.finish()
        let seconds = MonotonicClock.seconds(since: started)
        print("replayed \(summary.eventsReplayed) events into \(summary.pods) pods in \(Progress.format(seconds))s; "
              + "projections current to position \(summary.position)")
    }
}
