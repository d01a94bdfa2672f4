import Foundation
import Testing

extension ProcessTests {
    /// A process killed mid-ingest leaves a database that opens, verifies, and holds whole batches.
    struct CrashSafetyTests {
        /// A PodList of `count` pods without status resources, so each pod appends exactly one event.
        static func podList(count: Int) -> String {
            var items: [String] = []
            items.reserveCapacity(count)
            for index in 0..<count {
                items.append("""
                    {"kind":"Pod","metadata":{"name":"p-\(index)","namespace":"load","uid":"uid-\(index)"},\
                    "spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"\(100 + index % 7)m","memory":"128Mi"}}}]},\
                    "status":{"phase":"Running"}}
                    """)
            }
            return "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[" + items.joined(separator: ",") + "]}"
        }

        @Test func sigkillDuringLargeIngestLeavesWholeBatches() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let batch = 250
            let path = try workspace.write("pods.json", Self.podList(count: 40_000))
            _ = try cli.succeed("migrate")
            let (process, _, _) = try cli.start(["ingest", "--batch-size", String(batch), path])
            // Kill it once some batches have been committed (the WAL grows), or after 20 s at most.
            let wal = workspace.database + "-wal"
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, process.isRunning {
                let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
                if size > 400_000 { break }
                usleep(2_000)
            }
            let killedMidway = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(killedMidway, "the ingest finished before it could be killed; make the input larger")

            let verify = try cli.run("verify")
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            let events = try cli.json("query", "events", "--limit", "100000")
            #expect(events.count % batch == 0, "\(events.count) events is not a whole number of \(batch)-pod batches")
            #expect(events.count < 40_000)
            // The interrupted ingest can simply be run again: committed pods are unchanged, the rest appended.
            let rerun = try cli.succeed("ingest", "--batch-size", String(batch), path)
            #expect(rerun.contains("\(events.count) unchanged"))
            #expect(try cli.succeed("verify").hasPrefix("ok:"))
        }
    }
}
