import Foundation
import Testing
import VPAStoreTestSupport

/// `vpa-store bench --quick` as CI runs it: it must run through and print the whole table. Its
/// figures are never asserted (a timed test would fail on a busy machine and prove nothing).
struct BenchCommandTests {
    @Test func theQuickBenchRunsEveryWorkloadAndPrintsTheTable() async throws {
        let runner = Workspace().runner
        let result = try await offPool { try runner.run("bench", "--quick") }
        #expect(result.status == 0, "bench failed: \(result.stderr)")
        for workload in ["ingest: 2000 new pods", "ingest: usage + changes", "ingest: same, 16 watchers following",
                         "watch: commit → delivery, 16 watchers", "GetActualResources: 1 connection, 1 in flight",
                         "audit: resources --at, whole cluster", "audit: timeline of one pod", "audit: OOM kills",
                         "footprint: server peak RSS", "footprint: database", "baseline: raw sqlite3 appends",
                         "ingest ÷ baseline", "replay: rebuild every projection", "feed: LIST of 1000 pods → ingested",
                         "feed: watch event → acknowledged"] {
            #expect(result.stdout.contains(workload), "the table lacks \"\(workload)\":\n\(result.stdout)")
        }
        print(result.stdout)
    }
}
