import Foundation
import Testing

extension ProcessTests {
    /// The upstream VPA test cases, through the real binary on a real database file.
    struct UpstreamCasesTests {
        /// pkg/recommender/input/oom/observer_test.go: running, then running after an OOM restart →
        /// one OOM at lastState.terminated.finishedAt with the memory request of the old pod.
        @Test func oomObserverFixturesGiveExactlyOneOOM() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", "--at", "2018-02-23T13:30:00Z", CommandRunner.fixture("oom-old-pod-running.yaml"))
            let ingest = try cli.succeed("ingest", "--at", "2018-02-23T13:39:00Z",
                                         CommandRunner.fixture("oom-new-pod-after-oom-restart.yaml"))
            #expect(ingest.contains("1 OOM kill derived"))
            var ooms = try cli.json("query", "ooms")
            #expect(ooms.count == 1)
            let oom = try #require(ooms.first)
            #expect(oom["at"] as? String == "2018-02-23T13:38:48Z")
            #expect(oom["memoryRequestBytes"] as? Int == 1024)
            #expect(oom["kind"] as? String == "previous")
            #expect(oom["namespace"] as? String == "mockNamespace")
            #expect(oom["pod"] as? String == "Pod1")
            #expect(oom["container"] as? String == "Name11")
            #expect(oom["source"] as? String == "spec")

            // The same pod again (an informer resync) is unchanged: no second OOM.
            let again = try cli.succeed("ingest", "--at", "2018-02-23T13:40:00Z",
                                        CommandRunner.fixture("oom-new-pod-after-oom-restart.yaml"))
            #expect(again.contains("1 unchanged"))
            ooms = try cli.json("query", "ooms")
            #expect(ooms.count == 1)
        }

        /// The OOM fixtures with status resources: the request comes from the old pod's status (2048),
        /// not the new pod's (4096) nor the spec (1024).
        @Test func previousOOMTakesTheOldStatusRequest() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let old = try workspace.write("old.yaml", try Self.withStatusMemory(CommandRunner.fixture("oom-old-pod-running.yaml"), "2048"))
            let new = try workspace.write("new.yaml", try Self.withStatusMemory(CommandRunner.fixture("oom-new-pod-after-oom-restart.yaml"), "4096"))
            _ = try cli.succeed("ingest", "--at", "2018-02-23T13:30:00Z", old)
            _ = try cli.succeed("ingest", "--at", "2018-02-23T13:39:00Z", new)
            let oom = try #require(try cli.json("query", "ooms").first)
            #expect(oom["memoryRequestBytes"] as? Int == 2048)
            #expect(oom["source"] as? String == "status")
        }

        /// pkg/recommender/input/spec/spec_client_test_util.go pod2: status requests override the spec
        /// for Name23 and Name22-init; the others fall back to the spec.
        @Test func specClientPod2ReadsStatusFirst() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", CommandRunner.fixture("spec-client-pod2.yaml"))
            let rows = try cli.json("query", "resources", "--pod", "Pod2")
            func row(_ name: String) throws -> [String: Any] {
                try #require(rows.first { $0["container"] as? String == name })
            }
            func requests(_ row: [String: Any]) -> [String: Int]? {
                ((row["actual"] as? [String: Any])?["requests"] as? [String: Int])
            }
            #expect(requests(try row("Name23")) == ["cpuMillicores": 30, "memoryBytes": 250 << 20])
            #expect(try row("Name23")["source"] as? String == "status")
            #expect(requests(try row("Name22-init")) == ["cpuMillicores": 40, "memoryBytes": 350 << 20])
            #expect(try row("Name22-init")["containerType"] as? String == "init")
            #expect(requests(try row("Name21")) == ["cpuMillicores": 2000, "memoryBytes": 2048 << 20])
            #expect(try row("Name21")["source"] as? String == "spec_fallback")
            #expect(rows.allSatisfy { $0["namespace"] as? String == "default" })
        }

        @Test func evictedEventsAreOOMsOnce() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            _ = try cli.succeed("ingest", "--at", "2026-11-02T09:00:00Z", CommandRunner.example("01-pods.json"))
            _ = try cli.succeed("ingest", "--at", "2026-11-02T10:05:00Z", CommandRunner.example("06-evicted-events.json"))
            let again = try cli.succeed("ingest", "--at", "2026-11-02T10:06:00Z", CommandRunner.example("06-evicted-events.json"))
            #expect(again.contains("0 OOM kills derived"))
            let ooms = try cli.json("query", "ooms")
            #expect(ooms.count == 1)
            let oom = try #require(ooms.first)
            #expect(oom["kind"] as? String == "eviction")
            #expect(oom["usageBytes"] as? Int == 498 << 20)
            #expect(oom["memoryRequestBytes"] as? Int == 256 << 20)
            #expect(oom["at"] as? String == "2026-11-02T10:02:44Z")
        }

        /// Adds `resources.requests.memory` to the first container status of a fixture.
        static func withStatusMemory(_ path: String, _ memory: String) throws -> String {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.replacingOccurrences(of: "  - name: Name11\n    restartCount",
                                             with: "  - name: Name11\n    resources:\n      requests:\n        memory: \"\(memory)\"\n    restartCount")
        }
    }
}
