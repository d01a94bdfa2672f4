import Foundation
import Testing
import VPAStoreTestSupport

/// `vpa-store demo` as a user runs it: five processes on the production path (a simulated
/// Kubernetes API, the feed, the server, the recommender and the updater), a report, and a log
/// that verifies.
struct DemoCommandTests {
    @Test func theDemoRunsTheWholeSystemAndReportsWhatTheStoreRecorded() async throws {
        let workspace = Workspace()
        let database = workspace.directory.appendingPathComponent("demo.db").path
        let runner = workspace.runner
        let result = try await offPool { try runner.run(["demo", "--db", database, "--duration", "30h"]) }
        #expect(result.status == 0, "demo failed: \(result.stderr)")
        for line in ["through the API:", "in-place resizes:", "evictions:", "OOM kills:", "recommendations published:", "audit it from the log:",
                     "vpa-store verify --db \(database)"] {
            #expect(result.stdout.contains(line), "the report lacks \"\(line)\":\n\(result.stdout)")
        }
        // How many resizes and OOM kills happen depends on how the four processes interleave (under a
        // loaded test run the updater may act late), so only what always happens is asserted here;
        // AutoscalerProcessTests asserts each decision deterministically.
        let published = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("recommendations published:") })
        #expect(!published.hasSuffix(" 0"), "\(published); the demo printed:\n\(result.stdout)\nthe processes said:\n\(result.stderr)")
        // The recommender wrote VPA statuses through the API; what else went through it depends on
        // the interleaving.
        let api = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("through the API:") })
        #expect(!api.contains(" 0 VPA status writes"), "\(api)")
        #expect(FileManager.default.fileExists(atPath: database + ".kubeconfig"))
        // It ends with the page of the liveliest workload (issue 12), at the path it prints.
        let page = database + ".report.html"
        #expect(result.stdout.contains("report of the liveliest workload, ") && result.stdout.contains("): \(page)\n"),
                "\(result.stdout)")
        let lanes = try XMLNode.parse(String(contentsOfFile: page, encoding: .utf8)).all("svg", class: "lane")
        #expect(!lanes.isEmpty)
        let verify = try CommandRunner(database: database).run("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
