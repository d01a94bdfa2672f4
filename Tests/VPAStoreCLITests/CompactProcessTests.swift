import Foundation
import Testing

extension ProcessTests {
    /// `vpa-store compact` on the tour's database, then `vpa-store verify`, as an operator runs them.
    struct CompactProcessTests {
        func ingestTour(_ cli: CommandRunner) throws {
            for (at, file) in [("09:00", "01-pods.json"), ("09:02", "02-resize-deferred.yaml"), ("09:09", "03-resize-in-progress.yaml"),
                               ("09:15", "04-resize-done.yaml"), ("09:42", "05-oom-killed.yaml"), ("10:05", "06-evicted-events.json"),
                               ("10:10", "07-watch.json")] {
                _ = try cli.succeed("ingest", "--at", "2026-11-02T\(at):00Z", CommandRunner.example(file))
            }
        }

        @Test func compactThenVerifyAndTheHistoryAfterTheCutIsUnchanged() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try ingestTour(cli)
            let queries = [["query", "resources", "--at", "2026-11-02T09:20:00Z", "--format", "json"],
                           ["query", "resources", "--at", "2026-11-02T10:06:00Z", "--format", "json"],
                           ["query", "resources", "--format", "json"],
                           ["query", "resizes", "--state", "completed", "--now", "2026-11-02T10:30:00Z", "--format", "json"]]
            let before = try queries.map { try cli.run($0).stdout }
            let headBefore = try cli.succeed("verify")

            let compacted = try cli.succeed("compact", "--before", "2026-11-02T09:15:00Z", "--chunk", "2")
            // The first position is the first event of 09:15, the resize completing.
            let match = try #require(compacted.firstMatch(of: /the first position is now (\d+)/))
            let first = try #require(Int(match.1))
            #expect(first > 1)
            #expect(compacted.contains("events that occurred before 2026-11-02T09:15:00Z"))
            #expect(compacted.contains("bytes before"))
            #expect(compacted.contains("free for reuse"))
            let verified = try cli.succeed("verify")
            #expect(verified.hasPrefix("ok:"), "\(verified)")
            #expect(headBefore.contains(try #require(verified.firstMatch(of: /head \d+/)).0))
            #expect(try queries.map { try cli.run($0).stdout } == before)

            // Below the cut: a clear error, not a shorter answer.
            let old = try cli.run("query", "resources", "--at", "2026-11-02T09:05:00Z")
            #expect(old.status != 0)
            #expect(old.stderr.contains("was compacted; the first position is \(first)"), "\(old.stderr)")
            let events = try cli.run("query", "events", "--format", "ndjson")
            #expect(events.status == 0)
            #expect(events.stderr.contains("the history starts at position \(first)"), "\(events.stderr)")
            #expect(events.stdout.split(separator: "\n").allSatisfy { !$0.contains("\"position\":1,") })

            // Again: nothing to do. Replay rebuilds from the kept base, and verify still passes.
            #expect(try cli.succeed("compact", "--before", "2026-11-02T09:15:00Z").hasPrefix("nothing to compact"))
            _ = try cli.succeed("replay")
            #expect(try cli.succeed("verify").hasPrefix("ok:"))
            #expect(try queries.map { try cli.run($0).stdout } == before)
            // --keep 30m cuts 30 minutes before the newest event (10:10), and --vacuum shrinks the file.
            let kept = try cli.succeed("compact", "--keep", "30m", "--vacuum")
            #expect(kept.contains("events that occurred before 2026-11-02T09:40:00Z"), "\(kept)")
            #expect(kept.contains("(vacuumed)"))
            #expect(try cli.succeed("verify").hasPrefix("ok:"))
        }

        @Test func compactSaysWhatIsMissing() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try ingestTour(cli)
            let neither = try cli.run("compact")
            #expect(neither.status != 0)
            #expect(neither.stderr.contains("--before") && neither.stderr.contains("--keep"))
            let both = try cli.run("compact", "--before", "2026-11-02T09:15:00Z", "--keep", "1h")
            #expect(both.status != 0)
            #expect(both.stderr.contains("exclude each other"))
            let badTime = try cli.run("compact", "--before", "yesterday")
            #expect(badTime.status != 0)
            #expect(badTime.stderr.contains("yesterday"))
            // A cut in the future (a mistyped year) would remove every event: refused, log untouched.
            let before = try cli.succeed("query", "events", "--all", "--format", "csv")
            let future = try cli.run("compact", "--before", "2062-11-02T09:15:00Z")
            #expect(future.status != 0)
            #expect(future.stderr.contains("is later than now"), "\(future.stderr)")
            #expect(try cli.succeed("query", "events", "--all", "--format", "csv") == before)
        }
    }
}
