import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VPAStoreTestSupport
import Yams

extension ProcessTests {
    /// Issue 15, item 2: the scrapes of the three binaries as Prometheus reads them. `vpa-store serve
    /// --feed` follows a simulated cluster; `vpa-recommender` and `vpa-updater` run a loop against it
    /// with `--metrics-listen`. Every family must carry HELP and TYPE and pass promtool's lint
    /// (`promtool check metrics` itself when the Debian package `prometheus` is installed), and
    /// `examples/alerts.yaml` must name only metrics these scrapes have.
    struct PromtoolMetricsTests {
        struct Scrapes: Sendable {
            var store: Exposition
            var recommender: Exposition
            var updater: Exposition
            var all: [(binary: String, exposition: Exposition)] {
                [("vpa-store serve --feed", store), ("vpa-recommender", recommender), ("vpa-updater", updater)]
            }
        }

        /// Taken once for the suite's tests: the processes take a few seconds to start and loop.
        static let scrapes = Task { try await takeScrapes() }

        static func takeScrapes() async throws -> Scrapes {
            let workspace = Workspace()
            let runner = workspace.runner
            var children: [FeedProcessTests.Child] = []
            do {
                let kubeconfig = workspace.directory.appendingPathComponent("kubeconfig").path
                let simulator = try FeedProcessTests.Child(runner, ["simulate", "--api-listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig,
                                                                    "--speed", "60", "--log-level", "warning"])
                children.append(simulator)
                _ = try await offPool { try simulator.line(startingWith: "api listening on ") }
                let store = try FeedProcessTests.Child(runner, ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
                                                                "--feed", "--kubeconfig", kubeconfig, "--log-level", "warning"])
                children.append(store)
                // "listening on 127.0.0.1:PORT, metrics at http://127.0.0.1:PORT/metrics"
                let listening = try await offPool { try store.line(startingWith: "listening on ") }
                let address = String(listening.dropFirst("listening on ".count).prefix { $0 != "," })
                let storeURL = try #require(listening.components(separatedBy: ", metrics at ").last)
                // The daemons need the scenario's VPAs and pods in the store.
                let deadline = ContinuousClock.now + .seconds(60)
                while true {
                    let scrape = Exposition(try await Self.fetch(storeURL))
                    let pods = scrape.series("vpa_store_pods").map(\.value).reduce(0, +)
                    if pods >= 9 && (scrape.value("vpa_store_events_appended_total", ["type": "VpaObserved"]) ?? 0) >= 1 { break }
                    guard ContinuousClock.now < deadline else { throw RunnerError("the feed did not bring the cluster in within 60 s") }
                    try await Task.sleep(for: .milliseconds(200))
                }
                var daemons: [Exposition] = []
                for binary in ["vpa-recommender", "vpa-updater"] {
                    // One loop at start, the next a minute later: the scrape sees the first one only.
                    let child = try FeedProcessTests.Child(runner, ["--server", address, "--interval", "1m", "--metrics-listen", "127.0.0.1:0",
                                                                    "--log-level", "warning"],
                                                           executable: try CommandRunner.binary(named: binary))
                    children.append(child)
                    let line = try await offPool { try child.line(startingWith: "metrics at ") }
                    _ = try await offPool { try child.line(startingWith: "loop 1:") }
                    daemons.append(Exposition(try await Self.fetch(String(line.dropFirst("metrics at ".count)))))
                }
                let scrapes = Scrapes(store: Exposition(try await Self.fetch(storeURL)), recommender: daemons[0], updater: daemons[1])
                await stop(children)
                return scrapes
            } catch {
                await stop(children)
                throw error
            }
        }

        /// SIGINT to each, the last started first, waited for off the cooperative pool.
        static func stop(_ children: [FeedProcessTests.Child]) async {
            _ = try? await offPool { children.reversed().map { $0.stop() } }
        }

        static func fetch(_ url: String) async throws -> String {
            let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(url)")
            return String(decoding: data, as: UTF8.self)
        }

        @Test func promtoolCheckMetricsIsCleanOnAllThreeScrapes() async throws {
            let scrapes = try await Self.scrapes.value
            for (binary, exposition) in scrapes.all {
                #expect(exposition.families.count >= 10, "\(binary): \(exposition.text)")
                #expect(exposition.problems == [], "\(binary)")
                if let verdict = try Promtool.checkMetrics(exposition.text) {
                    #expect(verdict == "", "promtool check metrics on \(binary)")
                }
            }
        }

        @Test func theStoreShowsItsBuildProcessStateAndFeed() async throws {
            let store = try await Self.scrapes.value.store
            #expect(store.series("vpa_store_build_info").map(\.value) == [1])
            #expect((store.value("vpa_store_last_ingest_timestamp_seconds") ?? 0) > Date().timeIntervalSince1970 - 300)
            #expect(store.series("vpa_store_pods").map(\.value).reduce(0, +) >= 9)
            #expect((store.value("vpa_store_database_bytes") ?? 0) > 0)
            #expect((store.value("process_resident_memory_bytes") ?? 0) > 0)
            #expect(store.families.contains("vpa_store_feed_events_received_total"))
            // Calls from the daemons, counted by method.
            #expect(!store.series("vpa_store_rpc_calls_total").isEmpty)
        }

        @Test func theDaemonsCountTheirLoopsAndWhatTheyDid() async throws {
            let scrapes = try await Self.scrapes.value
            for (prefix, exposition) in [("vpa_recommender", scrapes.recommender), ("vpa_updater", scrapes.updater)] {
                #expect(exposition.series("\(prefix)_build_info").map(\.value) == [1], "\(prefix)")
                #expect((exposition.value("\(prefix)_loops_total", ["result": "succeeded"]) ?? 0) >= 1, "\(prefix)")
                #expect(exposition.value("\(prefix)_loops_total", ["result": "failed"]) == 0, "\(prefix)")
                #expect((exposition.value("\(prefix)_execution_latency_seconds_count", ["step": "total"]) ?? 0) >= 1, "\(prefix)")
                #expect((exposition.value("\(prefix)_last_successful_loop_timestamp_seconds") ?? 0) > Date().timeIntervalSince1970 - 300)
                #expect((exposition.value("process_start_time_seconds") ?? 0) > 0, "\(prefix)")
            }
            #expect((scrapes.recommender.value("vpa_recommender_vpa_objects") ?? 0) >= 1)
            #expect((scrapes.recommender.value("vpa_recommender_consumed_position") ?? 0) >= 1)
            let controlled = try #require(scrapes.updater.value("vpa_updater_controlled_pods"))
            #expect(controlled >= 1)
            // One decision per controlled pod, by action and cause.
            let decisions = scrapes.updater.series("vpa_updater_pod_decisions")
            #expect(decisions.map(\.value).reduce(0, +) == controlled, "\(decisions)")
            #expect(decisions.allSatisfy { $0.labels["action"] != nil && $0.labels["cause"] != nil })
            #expect(scrapes.updater.value("vpa_updater_failed_eviction_attempts_total", ["reason": "error"]) == 0)
        }

        /// The check that runs without promtool rejects what promtool rejects (and promtool, when
        /// installed, agrees), so a family left out of `MetricHelp` fails the suite either way.
        @Test func thePureCheckRejectsWhatPromtoolRejects() throws {
            let bad = """
                # TYPE vpa_store_undocumented gauge
                vpa_store_undocumented 1.0
                # HELP vpa_store_requests Requests.
                # TYPE vpa_store_requests counter
                vpa_store_requests 3
                # HELP vpa_store_queue_total Queued.
                # TYPE vpa_store_queue_total gauge
                vpa_store_queue_total 2
                # HELP vpa_store_objects_count Objects.
                # TYPE vpa_store_objects_count gauge
                vpa_store_objects_count 2
                vpa_store_untyped 1
                vpa_store_bad_value inf

                """
            #expect(Exposition(bad).problems == [
                "unreadable line: vpa_store_bad_value inf",
                "vpa_store_objects_count: only a histogram's or summary's name may end in _count",
                "vpa_store_queue_total: only a counter's name may end in _total",
                "vpa_store_requests: a counter's name must end in _total",
                "vpa_store_undocumented: no # HELP text",
                "vpa_store_untyped: no # HELP text",
                "vpa_store_untyped: no # TYPE line",
            ])
            if let verdict = try Promtool.checkMetrics(bad) { #expect(verdict != "") }
            let good = "# HELP vpa_store_things_total Things.\n# TYPE vpa_store_things_total counter\nvpa_store_things_total 1\n"
            #expect(Exposition(good).problems == [])
            if let verdict = try Promtool.checkMetrics(good) { #expect(verdict == "") }
        }

        /// `examples/alerts.yaml`: valid rules (`promtool check rules` when installed), each with a
        /// severity and a summary, naming only metrics and labels the real scrapes have.
        @Test func theExampleAlertsNameOnlyMetricsTheBinariesExpose() async throws {
            let path = CommandRunner.packageRoot.appendingPathComponent("examples/alerts.yaml").path
            if let checked = try Promtool.run(["check", "rules", path]) {
                #expect(checked.status == 0, "promtool check rules: \(checked.output)")
            }
            let document = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
            let rules = try #require(document["groups"] as? [[String: Any]]).flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
            #expect(rules.count >= 3)
            let scrapes = try await Self.scrapes.value
            var expected = Set(["VPAStoreFeedStale", "VPAStoreResizeStuck", "VPAStoreErrors"])
            for rule in rules {
                let name = try #require(rule["alert"] as? String)
                expected.remove(name)
                let expression = try #require(rule["expr"] as? String, "\(name)")
                #expect((rule["labels"] as? [String: Any])?["severity"] is String, "\(name) has no severity")
                #expect((rule["annotations"] as? [String: Any])?["summary"] is String, "\(name) has no summary")
                let selectors = Self.selectors(in: expression)
                #expect(!selectors.isEmpty, "\(name) names no vpa-store metric")
                for (metric, labels) in selectors {
                    let scrape = scrapes.all.map(\.exposition).first { $0.families.contains(metric) }
                    #expect(scrape != nil, "\(name): no binary exposes \(metric)")
                    guard let scrape else { continue }
                    let seen = Set(scrape.samples.filter { scrape.family(of: $0) == metric }.flatMap(\.labels.keys))
                    for label in labels { #expect(seen.contains(label), "\(name): \(metric) has no label \(label)") }
                }
            }
            #expect(expected.isEmpty, "examples/alerts.yaml lacks \(expected.sorted())")
        }

        /// The metrics an expression selects (ours: `vpa_…` and `process_…`) with the label names its
        /// matchers use; quoted strings are skipped, so label values are never taken for metrics.
        static func selectors(in expression: String) -> [(metric: String, labels: [String])] {
            let unquoted = expression.replacing(/"[^"]*"/, with: "\"\"")
            return unquoted.matches(of: /(vpa_[a-z0-9_]+|process_[a-z0-9_]+)\s*(\{[^}]*\})?/).map { match in
                let labels = match.output.2.map { body in body.matches(of: /([a-z_]+)\s*(=~|!~|!=|=)/).map { String($0.output.1) } } ?? []
                return (String(match.output.1), labels)
            }
        }
    }
}
