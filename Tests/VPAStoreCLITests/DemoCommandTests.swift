import Foundation
import Testing

/// `vpa-store demo` as a user runs it: four processes, a report, and a log that verifies.
struct DemoCommandTests {
    @Test func theDemoRunsTheWholeSystemAndReportsWhatTheStoreRecorded() throws {
        let workspace = Workspace()
        let database = workspace.directory.appendingPathComponent("demo.db").path
        let result = try workspace.runner.run(["demo", "--db", database, "--duration", "30h"])
        #expect(result.status == 0, "demo failed: \(result.stderr)")
        for line in ["in-place resizes:", "evictions:", "OOM kills:", "recommendations published:", "audit it from the log:",
                     "vpa-store verify --db \(database)"] {
            #expect(result.stdout.contains(line), "the report lacks \"\(line)\":\n\(result.stdout)")
        }
        // Past 12 h the updater resizes in place. (Whether the leaking worker is OOM-killed before the
        // updater gives it more memory depends on how the four processes interleave, so the count is
        // not asserted here; AutoscalerProcessTests asserts OOM handling deterministically.)
        let resized = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("in-place resizes:") })
        #expect(!resized.hasPrefix("in-place resizes: 0 requested"), "\(resized)")
        let verify = try CommandRunner(database: database).run("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
