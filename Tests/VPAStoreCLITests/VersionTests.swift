import Foundation
import Testing
import VPAModel

extension ProcessTests {
    /// `--version` on each of the three binaries, and `vpa-store version --server` asking the server.
    struct VersionTests {
        @Test(arguments: ["vpa-store", "vpa-recommender", "vpa-updater"])
        func everyBinaryPrintsTheVersion(binary: String) throws {
            let workspace = Workspace()
            let result = try workspace.runner.run(CommandRunner.binary(named: binary), ["--version"])
            #expect(result.status == 0, "\(binary) --version failed: \(result.stderr)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == VPAStoreVersion.current)
        }

        @Test func versionWithServerPrintsTheServersVersionToo() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let local = try cli.succeed("version")
            #expect(local == "vpa-store \(VPAStoreVersion.current)\n")
            let server = try ServeCommandTests.ServeProcess(cli)
            defer { _ = server.stop() }
            let remote = try cli.succeed("version", "--server", server.address)
            let lines = remote.split(separator: "\n")
            #expect(lines.count == 2, "\(remote)")
            #expect(lines.last?.hasPrefix("server \(VPAStoreVersion.current) (protocol ") == true, "\(remote)")
            #expect(lines.last?.hasSuffix(" at \(server.address)") == true, "\(remote)")
            // No server there: said, and a failure.
            let refused = try cli.run("version", "--server", "127.0.0.1:1")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("127.0.0.1:1"), "\(refused.stderr)")
        }
    }
}
