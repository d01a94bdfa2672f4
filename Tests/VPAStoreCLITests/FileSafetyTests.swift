import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ProcessTests {
    /// Issue 16, findings 6, 11, 12 and 13, as a user meets them: the `vpa-store` binary as a process.
    struct FileSafetyTests {
        /// Runs `vpa-store arguments…` and waits at most `timeout`; a process still running then is
        /// killed and reported, so a regression (a second server that starts) cannot hang the suite.
        private func run(_ cli: CommandRunner, _ arguments: [String], executable: URL? = nil,
                         timeout: Duration = .seconds(30)) throws -> CommandRunner.Result {
            let (process, out, err) = try cli.start(arguments, executable: executable)
            let deadline = ContinuousClock.now + timeout
            while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
                throw RunnerError("vpa-store \(arguments.joined(separator: " ")) still running after \(timeout)")
            }
            return CommandRunner.Result(status: process.terminationStatus,
                                        stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                                        stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }

        // MARK: - Finding 6

        @Test func anAliasBombIsRefusedWithAMessageAndAppendsNothing() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", CommandRunner.example("01-pods.json"))
            let before = try cli.succeed("query", "events", "--format", "ndjson")
            // The report's document: nine levels of nine aliases, 9^9 scalars once expanded.
            var lines = ["a: &a [" + Array(repeating: "\"x\"", count: 9).joined(separator: ",") + "]"]
            for (previous, name) in zip("abcdefgh", "bcdefghi") {
                lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
            }
            let bomb = try workspace.write("laughs.yaml", lines.joined(separator: "\n") + "\n")
            // Under a 4 GB address-space limit, so a regression fails here instead of taking the machine's memory.
            let result = try run(cli, ["-c", "ulimit -v 4000000 && exec \"$0\" \"$@\"", try CommandRunner.binary.path, "ingest", bomb],
                                 executable: URL(fileURLWithPath: "/bin/sh"))
            #expect(result.status == 1)
            // Line 6, `f`: the first whose aliases take the count past 100,000 (9 × 66,430 nodes).
            #expect(result.stderr.contains("laughs.yaml: document 1, line 6: YAML aliases expand to more than 100000 nodes; "),
                    "\(result.stderr)")
            #expect(try cli.succeed("query", "events", "--format", "ndjson") == before)
        }

        // MARK: - Finding 11

        @Test func aFileIngestNextToARunningServerFailsNamingItsPidWhileReadersGoOn() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let server = try ServeCommandTests.ServeProcess(cli)
            _ = try cli.succeed("ingest", "--server", server.address, CommandRunner.example("01-pods.json"))

            let ingest = try run(cli, ["ingest", CommandRunner.example("02-resize-deferred.yaml")])
            #expect(ingest.status != 0)
            #expect(ingest.stderr.contains("\(workspace.database) is already open for writing by pid \(server.process.processIdentifier) (vpa-store serve) since "),
                    "\(ingest.stderr)")
            #expect(ingest.stderr.contains("lock file "))

            // A second server on the same file does not start.
            let second = try run(cli, ["serve", "--listen", "127.0.0.1:0"])
            #expect(second.status != 0)
            #expect(second.stderr.contains("already open for writing by pid \(server.process.processIdentifier)"), "\(second.stderr)")

            // Readers take no lock: a file query works next to the server and sees what it appended.
            let events = try cli.succeed("query", "events", "--format", "ndjson")
            #expect(events.split(separator: "\n").count == 3)
            // The server is undisturbed: its next ingest appends after its head.
            #expect(try cli.succeed("ingest", "--server", server.address, CommandRunner.example("02-resize-deferred.yaml"))
                .contains("positions 4-5"))
            let (status, _) = server.stop()
            #expect(status == 0)
            // Once it is gone the file has a writer again.
            #expect(try cli.succeed("ingest", CommandRunner.example("03-resize-in-progress.yaml")).contains("appended"))
        }

        // MARK: - Finding 12

        @Test func aFileThatIsNotADatabaseIsNamedAndLeftAlone() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let notes = try workspace.write("notes.txt", String(repeating: "not a database\n", count: 100))
            let original = FileManager.default.contents(atPath: notes)
            for arguments in [["ingest", "--db", notes, CommandRunner.example("01-pods.json")], ["query", "events", "--db", notes]] {
                let result = try cli.run(arguments)
                #expect(result.status != 0)
                #expect(result.stderr.contains("\(notes) is not a SQLite database: "), "\(result.stderr)")
                #expect(!result.stderr.contains("SQLite error"))
            }
            #expect(FileManager.default.contents(atPath: notes) == original)
        }

        // MARK: - Finding 13

        /// How to run the binary as a user that permission bits apply to: as is when not root; as root,
        /// through `setpriv` as `nobody` (util-linux, in every Debian). Root ignores a 0555 directory, so
        /// as root the reported failure cannot happen and the test would prove nothing; nil when neither
        /// works, and the test is skipped.
        static let unprivileged: [String]? = {
            if getuid() != 0 { return [] }
            let setpriv = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            guard FileManager.default.isExecutableFile(atPath: setpriv[0]), let binary = try? CommandRunner.binary.path else { return nil }
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: setpriv[0])
            probe.arguments = Array(setpriv.dropFirst()) + [binary, "--help"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            guard (try? probe.run()) != nil else { return nil }
            probe.waitUntilExit()
            return probe.terminationStatus == 0 ? setpriv : nil
        }()

        @Test(.enabled(if: FileSafetyTests.unprivileged != nil, "needs a user that permission bits apply to (not root, or setpriv)"))
        func aReadOnlyCopyInAReadOnlyDirectoryIsQueriedAsASnapshot() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", CommandRunner.example("01-pods.json"))
            let expected = try cli.succeed("query", "resources")
            let directory = workspace.directory.appendingPathComponent("copy")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let copy = directory.appendingPathComponent("store.db").path
            try FileManager.default.copyItem(atPath: workspace.database, toPath: copy)
            let manager = FileManager.default
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: workspace.directory.path)
            try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: copy)
            try manager.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
            defer { try? manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path) }

            let prefix = try #require(Self.unprivileged)
            func asUser(_ arguments: String...) throws -> CommandRunner.Result {
                guard !prefix.isEmpty else { return try run(cli, arguments) }
                return try run(cli, Array(prefix.dropFirst()) + [try CommandRunner.binary.path] + arguments,
                               executable: URL(fileURLWithPath: prefix[0]))
            }
            let query = try asUser("query", "resources", "--db", copy)
            #expect(query.status == 0, "\(query.stderr)")  // was: SQLite error 1544: attempt to write a readonly database
            #expect(query.stdout == expected)
            #expect(query.stderr == "note: \(copy) is read-only here (SQLite cannot create \(copy)-shm beside it); opened as an immutable snapshot\n")
            let verify = try asUser("verify", "--db", copy)
            #expect(verify.status == 0, "\(verify.stderr)")
            #expect(verify.stdout.hasPrefix("ok: "))
            // Writing is another matter: it says why.
            // The input is copied next to the workspace: the checkout may sit in a directory `nobody`
            // cannot enter (a `mktemp -d` clone is 0700), and the lock, not the input, is under test.
            let input = try workspace.write("input.yaml", String(contentsOfFile: CommandRunner.example("02-resize-deferred.yaml"),
                                                                 encoding: .utf8))
            try manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: input)
            let ingest = try asUser("ingest", "--db", copy, input)
            #expect(ingest.status != 0)
            #expect(ingest.stderr.contains("cannot lock \(copy) for writing: its lock file \(copy).lock: Permission denied"), "\(ingest.stderr)")
            #expect(try manager.contentsOfDirectory(atPath: directory.path) == ["store.db"])
        }
    }
}
