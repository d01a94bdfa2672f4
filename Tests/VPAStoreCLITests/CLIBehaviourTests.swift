import Foundation
import Testing

extension ProcessTests {
    struct CLIBehaviourTests {
        @Test func malformedDocumentInTheMiddleAppendsNothing() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let good = try String(contentsOfFile: CommandRunner.example("02-resize-deferred.yaml"), encoding: .utf8)
            let bad = good.replacingOccurrences(of: "memory: 384Mi", with: "memory: 384Mx")
            #expect(bad != good)
            let path = try workspace.write("mixed.yaml", good + "\n---\n" + bad + "\n---\n" + good)
            _ = try cli.succeed("ingest", CommandRunner.example("01-pods.json"))
            let before = try cli.succeed("query", "events", "--format", "ndjson")
            let result = try cli.run("ingest", path)
            #expect(result.status != 0)
            #expect(result.stderr.contains("mixed.yaml"))
            #expect(result.stderr.contains("document 2"))
            #expect(result.stderr.contains("resources.requests.memory"))
            #expect(result.stderr.contains("384Mx"))
            // Nothing from that input: the log is as it was.
            #expect(try cli.succeed("query", "events", "--format", "ndjson") == before)
            #expect(before.split(separator: "\n").count == 3)
        }

        @Test func timeTravelBetweenTwoChangesReturnsTheOlderValues() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", "--at", "2026-11-02T09:00:00Z", CommandRunner.example("01-pods.json"))
            _ = try cli.succeed("ingest", "--at", "2026-11-02T09:15:00Z", CommandRunner.example("04-resize-done.yaml"))
            func appRequests(_ arguments: String...) throws -> [String: Int]? {
                let rows: [[String: Any]] = try cli.json(["query", "resources", "--pod", "web-7d9c5-abcde"] + arguments)
                let app: [String: Any]? = rows.first { $0["container"] as? String == "app" }
                let actual = app?["actual"] as? [String: Any]
                return actual?["requests"] as? [String: Int]
            }
            #expect(try appRequests("--at", "2026-11-02T09:10:00Z") == ["cpuMillicores": 250, "memoryBytes": 256 << 20])
            #expect(try appRequests("--at", "2026-11-02T09:15:00Z") == ["cpuMillicores": 500, "memoryBytes": 384 << 20])
            #expect(try appRequests() == ["cpuMillicores": 500, "memoryBytes": 384 << 20])
        }

        @Test func manualResizeIsRecordedAsManual() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", "--at", "2026-11-02T09:00:00Z", CommandRunner.example("01-pods.json"))
            _ = try cli.succeed("ingest", "--at", "2026-11-02T09:02:00Z", CommandRunner.example("02-resize-deferred.yaml"))
            let resizes = try cli.json("query", "resizes", "--now", "2026-11-02T09:08:00Z")
            let resize = try #require(resizes.first)
            #expect(resize["initiator"] as? String == "manual")
            #expect(resize["state"] as? String == "pending_deferred")
            #expect(resize["elapsedSeconds"] as? Int == 360)
            #expect(resize["timedOut"] as? Bool == true)
            let early = try #require(try cli.json("query", "resizes", "--now", "2026-11-02T09:06:00Z").first)
            #expect(early["timedOut"] as? Bool == false)
            let lenient = try #require(try cli.json("query", "resizes", "--now", "2026-11-02T09:08:00Z",
                                                    "--deferred-timeout", "10m").first)
            #expect(lenient["timedOut"] as? Bool == false)
        }

        @Test func replayThenVerifyReproducesTheSameAnswers() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            for (file, time) in [("01-pods.json", "09:00"), ("02-resize-deferred.yaml", "09:02"), ("03-resize-in-progress.yaml", "09:09"),
                                 ("04-resize-done.yaml", "09:15"), ("05-oom-killed.yaml", "09:42"),
                                 ("06-evicted-events.json", "10:05"), ("07-watch.json", "10:10")] {
                _ = try cli.succeed("ingest", "--at", "2026-11-02T\(time):00Z", CommandRunner.example(file))
            }
            let before = try cli.succeed("query", "resources", "--format", "ndjson")
            let beforeAt = try cli.succeed("query", "resources", "--at", "2026-11-02T09:05:00Z", "--format", "csv")
            #expect(try cli.succeed("verify").hasPrefix("ok:"))
            let replay = try cli.succeed("replay")
            #expect(replay.contains("replayed 16 events"))
            #expect(try cli.succeed("query", "resources", "--format", "ndjson") == before)
            #expect(try cli.succeed("query", "resources", "--at", "2026-11-02T09:05:00Z", "--format", "csv") == beforeAt)
            #expect(try cli.succeed("verify").hasPrefix("ok:"))
            #expect(before.split(separator: "\n").count == 3)
            #expect(beforeAt.hasPrefix("namespace,pod,podUID,container,"))
        }

        @Test func queryOfAMissingDatabaseSaysWhatToDo() throws {
            let workspace = Workspace()
            let result = try workspace.runner.run("query", "resources")
            #expect(result.status != 0)
            #expect(result.stderr.contains("no vpa-store database at"))
            #expect(!FileManager.default.fileExists(atPath: workspace.database))
        }

        @Test func ingestReadsStandardInput() throws {
            let workspace = Workspace()
            let input = try Data(contentsOf: URL(fileURLWithPath: CommandRunner.example("01-pods.json")))
            let result = try workspace.runner.run("ingest", "-", stdin: input)
            #expect(result.status == 0)
            #expect(result.stdout.contains("2 pods observed"))
        }

        @Test func badArgumentsAreExplained() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let badTime = try cli.run("query", "resources", "--at", "yesterday")
            #expect(badTime.status != 0)
            #expect(badTime.stderr.contains("yesterday"))
            let badPod = try cli.run("query", "timeline", "--pod", "shop/web/extra")
            #expect(badPod.stderr.contains("NAMESPACE/NAME"))
        }
    }
}
