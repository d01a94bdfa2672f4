import Foundation
import Testing

extension ProcessTests {
    /// The recommender and updater as separate processes against `vpa-store serve`, fed by
    /// `vpa-store ingest --server`, each test asserting what the store recorded.
    struct AutoscalerProcessTests {
        static let start = 1_793_577_600_000  // 2026-11-02T00:00:00Z

        static func time(_ minute: Int) -> String {
            let date = Date(timeIntervalSince1970: Double(start + minute * 60_000) / 1000)
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: date)
        }

        /// One pod `web-5d8f-a` of Deployment `web` under a VPA in `mode` (min replicas 1), with CPU
        /// `actual` enacted and `desired` in its spec, and resize `conditions`.
        static func pod(actualCPU: Int, desiredCPU: Int, conditions: String, minute: Int, restarts: Int = 0,
                        lastState: String = "") -> String {
            """
            {"kind": "Pod", "apiVersion": "v1",
             "metadata": {"name": "web-5d8f-a", "namespace": "shop", "uid": "uid-a",
                          "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d8f", "uid": "rs", "controller": true}]},
             "spec": {"nodeName": "node-1", "containers": [{"name": "app", "resources": {
                 "requests": {"cpu": "\(desiredCPU)m", "memory": "256Mi"}, "limits": {"cpu": "\(2 * desiredCPU)m", "memory": "512Mi"}}}]},
             "status": {"phase": "Running", "startTime": "\(time(0))", "conditions": [\(conditions)],
                        "containerStatuses": [{"name": "app", "restartCount": \(restarts), "state": {"running": {"startedAt": "\(time(0))"}},
                                               \(lastState)
                                               "resources": {"requests": {"cpu": "\(actualCPU)m", "memory": "256Mi"},
                                                             "limits": {"cpu": "\(2 * actualCPU)m", "memory": "512Mi"}}}]}}
            """
        }

        static func vpa(_ mode: String) -> String {
            """
            {"kind": "VerticalPodAutoscaler", "apiVersion": "autoscaling.k8s.io/v1",
             "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"targetRef": {"kind": "Deployment", "name": "web"}, "updatePolicy": {"updateMode": "\(mode)", "minReplicas": 1}}}
            """
        }

        /// A day of usage, one sample a minute: 100m CPU, 200 MiB.
        static func usage(fromMinute first: Int, toMinute last: Int) -> String {
            let items = (first...last).map { minute in
                """
                {"metadata": {"name": "web-5d8f-a", "namespace": "shop"}, "timestamp": "\(time(minute))", "window": "1m0s",
                 "containers": [{"name": "app", "usage": {"cpu": "100m", "memory": "200Mi"}}]}
                """
            }
            return #"{"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "items": ["# + items.joined(separator: ",") + "]}"
        }

        static let deferred = #"{"type": "PodResizePending", "status": "True", "reason": "Deferred", "message": "node is full"}"#
        static let inProgress = #"{"type": "PodResizeInProgress", "status": "True"}"#
        static let infeasible = #"{"type": "PodResizePending", "status": "True", "reason": "Infeasible", "message": "too big"}"#
        static let error = #"{"type": "PodResizeInProgress", "status": "True", "reason": "Error", "message": "runtime said no"}"#

        /// A store with the VPA, a pod asking 1000m while using 100m for a day, and the recommender's
        /// recommendation (so an update is wanted: 1000m is above the upper bound).
        final class Cluster {
            let workspace = Workspace()
            let server: ServeCommandTests.ServeProcess
            var cli: CommandRunner { workspace.runner }

            init(mode: String) throws {
                server = try ServeCommandTests.ServeProcess(workspace.runner)
                try ingest(AutoscalerProcessTests.vpa(mode) + "\n" + AutoscalerProcessTests.pod(actualCPU: 1000, desiredCPU: 1000, conditions: "", minute: 0), at: 0)
                try ingest(AutoscalerProcessTests.usage(fromMinute: 1, toMinute: 1440), at: 1440)
                let recommender = try cli.run(CommandRunner.binary(named: "vpa-recommender"),
                                              ["--server", server.address, "--once", "--now-from-log", "--log-level", "warning"])
                #expect(recommender.status == 0, "vpa-recommender failed: \(recommender.stderr)")
            }

            func ingest(_ json: String, at minute: Int) throws {
                let path = try workspace.write("input-\(UUID().uuidString).json", json)
                _ = try cli.succeed("ingest", "--server", server.address, "--at", AutoscalerProcessTests.time(minute), path)
            }

            /// Moves the log's clock to `minute` (a usage sample then), and runs one updater loop as a new process.
            func updaterDecides(atMinute minute: Int) throws -> [[String: Any]] {
                try ingest(AutoscalerProcessTests.usage(fromMinute: minute, toMinute: minute), at: minute)
                let updater = try cli.run(CommandRunner.binary(named: "vpa-updater"),
                                          ["--server", server.address, "--once", "--now-from-log", "--log-level", "warning"])
                #expect(updater.status == 0, "vpa-updater failed: \(updater.stderr)")
                return try cli.json(["query", "events", "--type", "UpdaterDecision", "--server", server.address])
            }

            deinit { _ = server.stop() }
        }

        static func actions(_ decisions: [[String: Any]]) -> [String] {
            decisions.compactMap { ($0["body"] as? [String: Any])?["action"] as? String }
        }

        @Test func aDeferredResizeIsEvictedPastFiveMinutesAndARestartedUpdaterKeepsTheClock() throws {
            let cluster = try Cluster(mode: "InPlaceOrRecreate")
            // A resize to 500m is Deferred from minute 1450 on.
            try cluster.ingest(Self.pod(actualCPU: 1000, desiredCPU: 500, conditions: Self.deferred, minute: 1450), at: 1450)
            #expect(Self.actions(try cluster.updaterDecides(atMinute: 1454)) == ["wait"])
            // A new updater process, which never saw minute 1450, judges from the store's clock.
            let decisions = try cluster.updaterDecides(atMinute: 1456)
            #expect(Self.actions(decisions) == ["wait", "evict"])
            let reason = try #require((decisions.last?["body"] as? [String: Any])?["reason"] as? String)
            #expect(reason.contains("Deferred for 6m"))
        }

        @Test func inProgressIsLeftAloneForAnHourAndEvictedAfter() throws {
            let cluster = try Cluster(mode: "InPlaceOrRecreate")
            try cluster.ingest(Self.pod(actualCPU: 1000, desiredCPU: 500, conditions: Self.inProgress, minute: 1450), at: 1450)
            #expect(Self.actions(try cluster.updaterDecides(atMinute: 1509)) == ["wait"])
            #expect(Self.actions(try cluster.updaterDecides(atMinute: 1511)) == ["wait", "evict"])
        }

        @Test(arguments: [AutoscalerProcessTests.infeasible, AutoscalerProcessTests.error])
        func infeasibleAndErrorAreEvictedAtOnce(condition: String) throws {
            let cluster = try Cluster(mode: "InPlaceOrRecreate")
            try cluster.ingest(Self.pod(actualCPU: 1000, desiredCPU: 500, conditions: condition, minute: 1450), at: 1450)
            #expect(Self.actions(try cluster.updaterDecides(atMinute: 1450)) == ["evict"])
        }

        @Test func inPlaceModeNeverEvicts() throws {
            let cluster = try Cluster(mode: "InPlace")
            try cluster.ingest(Self.pod(actualCPU: 1000, desiredCPU: 500, conditions: Self.deferred, minute: 1450), at: 1450)
            let decisions = try cluster.updaterDecides(atMinute: 1520)
            #expect(!Self.actions(decisions).contains("evict"))
            #expect(!Self.actions(decisions).isEmpty)
        }

        @Test func aPodOutsideItsRecommendationIsResizedInPlace() throws {
            let cluster = try Cluster(mode: "InPlaceOrRecreate")
            #expect(Self.actions(try cluster.updaterDecides(atMinute: 1441)) == ["resize_in_place"])
            let requests = try cluster.cli.json(["query", "events", "--type", "ResizeRequested", "--server", cluster.server.address])
            #expect(requests.count == 1)
        }

        @Test func anOOMKillRaisesTheMemoryTargetAboveTheActualRequestAtTheKill() throws {
            let cluster = try Cluster(mode: "Off")
            // The kubelet reports 256Mi in status; the spec below says 128Mi: the bump must use 256Mi.
            let killed = #""lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137, "startedAt": "\#(Self.time(0))", "finishedAt": "\#(Self.time(1445))"}},"#
            let spec128 = Self.pod(actualCPU: 1000, desiredCPU: 1000, conditions: "", minute: 1446, restarts: 1, lastState: killed)
                .replacingOccurrences(of: #""memory": "256Mi"}, "limits": {"cpu": "2000m", "memory": "512Mi"}}}]}"#,
                                      with: #""memory": "128Mi"}, "limits": {"cpu": "2000m", "memory": "512Mi"}}}]}"#)
            #expect(spec128.contains(#""memory": "128Mi""#), "the spec was not lowered to 128Mi")
            try cluster.ingest(spec128, at: 1446)
            let ooms = try cluster.cli.json(["query", "ooms", "--server", cluster.server.address])
            #expect(ooms.first?["memoryRequestBytes"] as? Int == 256 << 20)
            try cluster.ingest(Self.usage(fromMinute: 1447, toMinute: 1447), at: 1447)
            let recommender = try cluster.cli.run(CommandRunner.binary(named: "vpa-recommender"),
                                                  ["--server", cluster.server.address, "--once", "--now-from-log", "--log-level", "warning"])
            #expect(recommender.status == 0)
            let vpas = try cluster.cli.json(["query", "vpas", "--server", cluster.server.address])
            let target = try #require((vpas.first?["target"] as? [String: Any])?["memoryBytes"] as? Int)
            let needed = max(256 << 20 + 100 << 20, Int(Double(256 << 20) * 1.2))
            #expect(target >= needed, "memory target \(target) is below the OOM bump \(needed) of the actual request")
        }

        @Test func aSteadyWorkloadsRecommendationConvergesAfterADay() throws {
            let cluster = try Cluster(mode: "Off")
            let vpas = try cluster.cli.json(["query", "vpas", "--server", cluster.server.address])
            let target = try #require(vpas.first?["target"] as? [String: Any])
            // Usage was 100m and 200Mi all day, so its p90 is that; the target adds upstream's 15% safety
            // margin, so without the margin it must be within 15% of the p90.
            let cpu = try #require(target["cpuMillicores"] as? Int), memory = try #require(target["memoryBytes"] as? Int)
            #expect(abs(Double(cpu) / 1.15 - 100) <= 15, "CPU target \(cpu)m")
            #expect(abs(Double(memory) / 1.15 - Double(200 << 20)) <= 0.15 * Double(200 << 20), "memory target \(memory)")
        }

        @Test func aManualResizeIsRecordedAsManualAndWaitedOut() throws {
            let cluster = try Cluster(mode: "InPlaceOrRecreate")
            // A person changes the spec (no ResizeRequested explains it) and the kubelet works on it.
            try cluster.ingest(Self.pod(actualCPU: 1000, desiredCPU: 900, conditions: Self.inProgress, minute: 1450), at: 1450)
            let resizes = try cluster.cli.json(["query", "resizes", "--server", cluster.server.address, "--now", Self.time(1460)])
            #expect(resizes.first?["initiator"] as? String == "manual")
            let decisions = try cluster.updaterDecides(atMinute: 1480)
            #expect(Self.actions(decisions) == ["wait"])
            let reason = try #require((decisions.last?["body"] as? [String: Any])?["reason"] as? String)
            #expect(reason.contains("manual"), "\(reason)")
        }

        @Test func usageRetentionRemovesOldSamplesFromAFileAndOnAServer() throws {
            // A file: a day of samples ingested with a 12-hour retention keeps the last 12 hours.
            let workspace = Workspace()
            let cli = workspace.runner
            let pods = try workspace.write("pod.json", Self.pod(actualCPU: 100, desiredCPU: 100, conditions: "", minute: 0))
            let usage = try workspace.write("usage.json", Self.usage(fromMinute: 1, toMinute: 1440))
            _ = try cli.succeed("ingest", "--at", Self.time(0), pods)
            _ = try cli.succeed("ingest", "--usage-retention", "12h", usage)
            // Newest sample at minute 1440: samples before minute 720 are gone.
            #expect(try cli.json("query", "events", "--type", "UsageSampled", "--limit", "5000").count == 721)
            let expired = try cli.json("query", "events", "--type", "UsageExpired")
            #expect(expired.count == 1)
            #expect((expired.first?["body"] as? [String: Any])?["eventsRemoved"] as? Int == 719)
            #expect(try cli.run("verify").status == 0)
            let refused = try cli.run("ingest", "--usage-retention", "0s", usage)
            #expect(refused.status != 0 && refused.stderr.contains("--usage-retention must be longer than zero"), "\(refused.stderr)")

            // A server applies its own retention to what clients send.
            let served = Workspace()
            let server = try ServeCommandTests.ServeProcess(served.runner, ["--usage-retention", "6h"])
            _ = try served.runner.succeed("ingest", "--server", server.address, "--at", Self.time(0), pods)
            _ = try served.runner.succeed("ingest", "--server", server.address, usage)
            let remote = try served.runner.json("query", "events", "--server", server.address, "--type", "UsageSampled", "--limit", "5000")
            #expect(remote.count == 361)
            #expect(server.stop().0 == 0)
            #expect(try served.runner.run("verify").status == 0)
        }
    }
}
