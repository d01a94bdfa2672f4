import Foundation
import Testing

extension ProcessTests {
    /// `vpa-store backup` and `restore` as an operator runs them: against a real `serve` process that
    /// `ingest --server` processes keep writing to.
    struct BackupProcessTests {
        /// `ingest --server` processes run one after another until stopped, each observing every pod
        /// with new requests, so the server commits all the time.
        final class IngestLoop: @unchecked Sendable {  // `runs`, `stopping` and `failure` are guarded by `lock`.
            private let lock = NSCondition()
            private var runs = 0
            private var stopping = false
            private var finished = false
            private var failure: String?

            init(_ cli: CommandRunner, _ workspace: Workspace, server: String, pods: Int) throws {
                let files = try (0..<2).map { round in
                    try workspace.write("load-\(round).json", BackupProcessTests.podList(pods, cpu: 200 + round))
                }
                Thread { [self] in
                    var index = 0
                    while !lock.withLock({ stopping }) {
                        // Many small calls: the server commits again and again while the backup runs.
                        let result = try? cli.run(["ingest", "--server", server, "--batch-size", "25", files[index % 2]])
                        index += 1
                        lock.withLock {
                            if result?.status != 0 { failure = result?.stderr ?? "ingest did not start" }
                            runs += 1
                            lock.broadcast()
                        }
                        if lock.withLock({ failure != nil }) { break }
                    }
                    lock.withLock {
                        finished = true
                        lock.broadcast()
                    }
                }.start()
            }

            var completedRuns: Int { lock.withLock { runs } }

            /// Waits until more than `count` runs ended; false after `timeout`.
            func waitForRuns(beyond count: Int, timeout: TimeInterval = 120) -> Bool {
                let deadline = Date(timeIntervalSinceNow: timeout)
                return lock.withLock {
                    while runs <= count && !finished {
                        if !lock.wait(until: deadline) { return false }
                    }
                    return runs > count
                }
            }

            /// Stops after the run in progress; returns what a failed run printed, if one failed.
            func stop() -> String? {
                lock.withLock {
                    stopping = true
                    while !finished { lock.wait() }
                    return failure
                }
            }
        }

        /// A PodList of `count` pods, each requesting `cpu` millicores.
        static func podList(_ count: Int, cpu: Int) -> String {
            let pods = (0..<count).map { index in
                """
                {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "app-\(index)", "namespace": "ns-\(index % 9)", "uid": "uid-\(index)"},
                 "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "\(cpu)m", "memory": "128Mi"}}}]},
                 "status": {"phase": "Running"}}
                """
            }
            return #"{"kind": "PodList", "apiVersion": "v1", "items": ["# + pods.joined(separator: ",") + "]}"
        }

        /// `head position N, E events` of a backup or restore summary line.
        static func headAndEvents(_ line: String) throws -> (head: Int, events: Int) {
            let words = line.split(separator: " ")
            guard let at = words.firstIndex(of: "position"), at + 2 < words.count,
                  let head = Int(words[at + 1].trimmingCharacters(in: .punctuationCharacters)),
                  let events = Int(words[at + 2]) else {
                throw RunnerError("no head position and event count in \"\(line)\"")
            }
            return (head, events)
        }

        /// `sha256sum FILE`: an implementation that is not ours.
        static func sha256sum(_ path: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sha256sum", path]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return String(text.split(separator: " ").first ?? "")
        }

        @Test func backupsTakenUnderConcurrentIngestVerifyAndRestoreRefusesTheLiveDatabase() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let server = try ServeCommandTests.ServeProcess(cli)
            // A few thousand events first, so the copy takes many steps.
            let seed = try workspace.write("seed.json", Self.podList(3000, cpu: 100))
            _ = try cli.succeed("ingest", "--server", server.address, "--batch-size", "500", seed)
            let load = try IngestLoop(cli, workspace, server: server.address, pods: 400)
            #expect(load.waitForRuns(beyond: 0))

            // Through the server, and from the file beside it, while the ingests go on.
            let remote = workspace.directory.appendingPathComponent("remote.backup").path
            let viaServer = try cli.run("backup", "--server", server.address, "--to", remote)
            #expect(viaServer.status == 0, "\(viaServer.stderr)")
            // Another whole ingest between the two, so the second copy must hold more than the first.
            #expect(load.waitForRuns(beyond: load.completedRuns))
            let local = workspace.directory.appendingPathComponent("local.backup").path
            let viaFile = try cli.run("backup", "--db", workspace.database, "--to", local, "--pages-per-step", "16")
            #expect(viaFile.status == 0, "\(viaFile.stderr)")
            let runsAfterBackups = load.completedRuns
            #expect(load.waitForRuns(beyond: runsAfterBackups))
            #expect(load.stop() == nil)

            for (backup, output) in [(remote, viaServer.stdout), (local, viaFile.stdout)] {
                #expect(output.hasPrefix("backed up "), "\(output)")
                let (head, events) = try Self.headAndEvents(output)
                #expect(head >= 3000)
                let verify = try cli.run("verify", "--db", backup)
                #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: \(events) events"), "\(verify.stdout)\(verify.stderr)")
                #expect(verify.stdout.contains("head \(head))"), "\(verify.stdout)")
                // Every event up to the backup's head, as the live store has it.
                let copied = try cli.run("query", "events", "--db", backup, "--limit", "\(events)", "--format", "ndjson")
                let original = try cli.run("query", "events", "--limit", "\(events)", "--format", "ndjson")
                #expect(copied.status == 0 && original.status == 0)
                #expect(copied.stdout.split(separator: "\n").count == events)
                #expect(copied.stdout == original.stdout)
            }
            // The digest the server sent and the client checked is the file's, by an implementation that is not ours.
            #expect(viaServer.stdout.hasSuffix("; sha256 \(try Self.sha256sum(remote))\n"), "\(viaServer.stdout)")
            let remoteHead = try Self.headAndEvents(viaServer.stdout).head
            #expect(try Self.headAndEvents(viaFile.stdout).head > remoteHead, "the second backup saw nothing ingested after the first")
            // The server's temporary copy is gone from the database's directory.
            let names = try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path)
            #expect(!names.contains { $0.hasPrefix(".") }, "\(names)")
            // Each backup is one file: read by `verify` and `query` above, it still has nothing beside it.
            #expect(!names.contains { $0.hasPrefix("remote.backup-") || $0.hasPrefix("local.backup-") }, "\(names)")

            // The live database is refused, naming the server that has it open; a new path is fine.
            let refused = try cli.run("restore", "--from", remote, "--db", workspace.database, "--force")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("is a live database, open for writing by pid \(server.process.processIdentifier) (vpa-store serve)"),
                    "\(refused.stderr)")
            let fresh = workspace.directory.appendingPathComponent("fresh.db").path
            let restored = try cli.run("restore", "--from", remote, "--db", fresh)
            #expect(restored.status == 0, "\(restored.stderr)")
            #expect(try Self.headAndEvents(restored.stdout).head == remoteHead, "\(restored.stdout)")
            #expect(try cli.succeed("verify", "--db", fresh).hasPrefix("ok:"))
            let again = try cli.run("restore", "--from", remote, "--db", fresh)
            #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.stderr)")

            // Once the server is stopped, the live file itself can be replaced (with --force).
            let (status, log) = server.stop()
            #expect(status == 0, "\(log)")
            let replaced = try cli.run("restore", "--from", local, "--db", workspace.database, "--force")
            #expect(replaced.status == 0, "\(replaced.stderr)")
            #expect(replaced.stdout.contains("(replaced the file there)"))
            #expect(try cli.succeed("verify").contains("head \(try Self.headAndEvents(viaFile.stdout).head))"))
        }

        @Test func aBackupThroughAServerWithSmallFramesArrivesWhole() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            // 16 KiB frames: the file comes in dozens of chunks, each within the server's limit.
            let server = try ServeCommandTests.ServeProcess(cli, ["--max-frame-bytes", "16384"])
            let seed = try workspace.write("seed.json", Self.podList(500, cpu: 100))
            _ = try cli.succeed("ingest", "--server", server.address, seed)
            let backup = workspace.directory.appendingPathComponent("small-frames.backup").path
            let output = try cli.succeed("backup", "--server", server.address, "--to", backup)
            let size = try FileManager.default.attributesOfItem(atPath: backup)[.size] as? Int ?? 0
            #expect(size > 10 * 16384)
            #expect(output.contains(", \(size) bytes"), "\(output)")
            #expect(output.hasSuffix("; sha256 \(try Self.sha256sum(backup))\n"), "\(output)")
            #expect(try cli.succeed("verify", "--db", backup).hasPrefix("ok: 500 events"))
            #expect(server.stop().0 == 0)
        }

        @Test func backupRefusesBadTargetsWithASentence() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", CommandRunner.example("01-pods.json"))
            let same = try cli.run("backup", "--to", workspace.database)
            #expect(same.status != 0 && same.stderr.contains("is the database itself"), "\(same.stderr)")
            let existing = try workspace.write("existing", "x")
            let exists = try cli.run("backup", "--to", existing)
            #expect(exists.status != 0 && exists.stderr.contains("already exists (1 bytes): choose a new file, or pass --force"), "\(exists.stderr)")
            let missing = try cli.run("backup", "--db", workspace.directory.appendingPathComponent("none.db").path, "--to", existing + ".2")
            #expect(missing.status != 0 && missing.stderr.contains("no vpa-store database at"), "\(missing.stderr)")
            let both = try cli.run("backup", "--db", workspace.database, "--server", "127.0.0.1:1", "--to", existing + ".3")
            #expect(both.status != 0 && both.stderr.contains("not both"), "\(both.stderr)")
            let noBackup = try cli.run("restore", "--from", existing + ".4", "--db", existing + ".5")
            #expect(noBackup.status != 0 && noBackup.stderr.contains("no backup at"), "\(noBackup.stderr)")
        }
    }
}
