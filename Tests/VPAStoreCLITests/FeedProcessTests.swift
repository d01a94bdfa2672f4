import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KubernetesJSON
import Testing
import VPAModel
import VPAStoreTestSupport

/// `vpa-store simulate --api-listen`, `vpa-store serve` and `vpa-store feed` as three processes, as
/// an operator runs them: the store is SIGKILLed and restarted under the feed, and what it holds
/// at the end equals what the simulated cluster's API shows.
struct FeedProcessTests {
    /// A child process whose standard output is read line by line.
    final class Child: @unchecked Sendable {
        // @unchecked: the process and pipes are set in init; the test uses one child from one task at a time.
        let process: Process
        let out: Pipe
        let err: Pipe

        init(_ runner: CommandRunner, _ arguments: [String], executable: URL? = nil) throws {
            (process, out, err) = try runner.start(arguments, executable: executable)
        }

        /// The next line of standard output, or nil at its end.
        func line() throws -> String? {
            var line = Data()
            while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
                if byte == Data("\n".utf8) { return String(decoding: line, as: UTF8.self) }
                line.append(byte)
            }
            return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
        }

        /// Reads lines until one starts with `prefix`.
        func line(startingWith prefix: String) throws -> String {
            while let line = try line() {
                if line.hasPrefix(prefix) { return line }
            }
            throw RunnerError("the process ended before printing \"\(prefix)…\": \(stderrText())")
        }

        func stderrText() -> String {
            if process.isRunning { process.terminate() }
            return String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }

        func stop() -> Int32 {
            process.interrupt()
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { process.terminate() } }
    }

    /// Runs the real kubectl against `kubeconfig` and returns its standard output.
    static func kubectl(_ kubeconfig: String, _ arguments: [String], stdin: String? = nil) throws -> Data {
        let kubectl = Process()
        kubectl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        kubectl.arguments = ["kubectl", "--kubeconfig", kubeconfig] + arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        kubectl.standardOutput = out
        kubectl.standardError = err
        kubectl.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try kubectl.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        kubectl.waitUntilExit()
        guard kubectl.terminationStatus == 0 else {
            throw RunnerError("kubectl \(arguments.joined(separator: " ")) failed (status \(kubectl.terminationStatus); kubectl ≥ 1.32 "
                              + "must be on PATH): \(String(decoding: errors, as: UTF8.self))")
        }
        return data
    }

    /// Injects faults into a `simulate --api-listen` process: `POST /simulator/faults`, sent by kubectl.
    static func injectFaults(_ kubeconfig: String, _ body: String) throws {
        _ = try kubectl(kubeconfig, ["create", "--raw", "/simulator/faults", "-f", "-"], stdin: body)
    }

    /// Container resources as (pod uid, container) → "desired requests | actual requests", from the API's pods.
    static func apiResources(kubeconfig: String) throws -> [String: String] {
        let data = try kubectl(kubeconfig, ["get", "pods", "-A", "-o", "json"])
        var resources: [String: String] = [:]
        for case .pod(let pod) in try KubernetesInput.decode(Array(data), file: "kubectl get pods") {
            for container in pod.containers {
                let actual = container.status?.resources?.requests ?? container.desired.requests
                resources["\(pod.uid ?? "") \(container.name)"] =
                    "\(container.desired.requests.cpuMillicores ?? -1)m \(container.desired.requests.memoryBytes ?? -1) | "
                    + "\(actual.cpuMillicores ?? -1)m \(actual.memoryBytes ?? -1)"
            }
        }
        return resources
    }

    /// The same, from `vpa-store query resources --format json` on the database file.
    static func storeResources(_ runner: CommandRunner) throws -> [String: String] {
        var resources: [String: String] = [:]
        for row in try runner.json("query", "resources") {
            func requests(_ key: String) -> String {
                let requests = (row[key] as? [String: Any])?["requests"] as? [String: Any]
                return "\((requests?["cpuMillicores"] as? Int) ?? -1)m \((requests?["memoryBytes"] as? Int) ?? -1)"
            }
            resources["\(row["podUID"] as? String ?? "") \(row["container"] as? String ?? "")"] =
                requests("desired") + " | " + requests("actual")
        }
        return resources
    }

    /// The body of a plain HTTP GET (a /metrics page).
    static func fetch(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        return String(decoding: data, as: UTF8.self)
    }

    @Test func theStoreKilledAndRestartedUnderTheFeedEndsEqualToTheCluster() async throws {
        let workspace = Workspace()
        let runner = workspace.runner
        let kubeconfig = workspace.directory.appendingPathComponent("kubeconfig").path
        let socket = workspace.directory.appendingPathComponent("store.sock").path
        // 20 simulated minutes at 60×: about 20 s of pods changing, resizing, being OOM-killed.
        let simulator = try Child(runner, ["simulate", "--api-listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig,
                                           "--speed", "60", "--duration", "20m", "--hold", "--log-level", "warning"])
        _ = try await offPool { try simulator.line(startingWith: "api listening on ") }
        var store = try Child(runner, ["serve", "--unix", socket, "--log-level", "warning"])
        _ = try await offPool { [store] in try store.line(startingWith: "listening on ") }
        let feed = try Child(runner, ["feed", "--server", "unix:\(socket)", "--kubeconfig", kubeconfig, "--batch-latency", "10ms",
                                      "--metrics-interval", "1s", "--metrics-listen", "127.0.0.1:0", "--log-level", "error"])
        let metricsLine = try await offPool { try feed.line(startingWith: "metrics at ") }
        // "metrics at http://HOST:PORT/metrics, probes at /healthz and /readyz"
        let metricsURL = String(metricsLine.dropFirst("metrics at ".count).prefix { $0 != "," })
        let probesBase = String(metricsURL.dropLast("/metrics".count))
        try await Task.sleep(for: .seconds(4))
        #expect(try await offPool { try !Self.storeResources(runner).isEmpty }, "the feed ingested nothing in 4 s")
        // Listed everything and the store keeps up: ready.
        #expect(try await Self.fetch(probesBase + "/readyz") == "ok\n")

        kill(store.process.processIdentifier, SIGKILL)
        try await offPool { [store] in store.process.waitUntilExit() }
        // The cluster goes on changing while the store is away; the feed holds and retries.
        try await Task.sleep(for: .seconds(3))
        store = try Child(runner, ["serve", "--unix", socket, "--log-level", "warning"])
        _ = try await offPool { [store] in try store.line(startingWith: "listening on ") }

        // Then a gap: the feed is paused (SIGSTOP, as a long GC pause or a partition would) and its
        // watches are closed; a pod is deleted, and the history that recorded that is compacted away.
        // When the feed resumes, its watches answer 410 and it relists; the pod must end in the store.
        kill(feed.process.processIdentifier, SIGSTOP)
        let deleted = try await offPool { () throws -> String in
            try Self.injectFaults(kubeconfig, #"{"closeWatches":true}"#)
            let pods = try JSONSerialization.jsonObject(with: try Self.kubectl(kubeconfig, ["get", "pods", "-n", "shop", "-o", "json"]))
            let items = (pods as? [String: Any])?["items"] as? [[String: Any]] ?? []
            let name = try #require((items.first?["metadata"] as? [String: Any])?["name"] as? String)
            _ = try Self.kubectl(kubeconfig, ["delete", "pod", name, "-n", "shop", "--wait=false"])
            try Self.injectFaults(kubeconfig, #"{"dropHistory":true}"#)
            return name
        }
        kill(feed.process.processIdentifier, SIGCONT)
        // And the API fails for a while: 500s, then 429 with Retry-After, with every watch dropped.
        try await Task.sleep(for: .seconds(2))
        try await offPool {
            try Self.injectFaults(kubeconfig, #"{"closeWatches":true,"failRequests":{"count":3,"status":500}}"#)
        }
        try await Task.sleep(for: .seconds(2))
        try await offPool {
            try Self.injectFaults(kubeconfig, #"{"closeWatches":true,"failRequests":{"count":2,"status":429,"retryAfterSeconds":1}}"#)
        }

        _ = try await offPool { try simulator.line(startingWith: "reached --duration") }
        var api: [String: String] = [:]
        var held: [String: String] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        repeat {
            try await Task.sleep(for: .milliseconds(300))
            (api, held) = try await offPool { (try Self.apiResources(kubeconfig: kubeconfig), try Self.storeResources(runner)) }
        } while api != held && ContinuousClock.now < deadline
        #expect(!api.isEmpty)
        #expect(held == api, "the store holds \(held.count) containers, the API shows \(api.count)")
        let live = try await offPool { try runner.json("query", "resources").compactMap { $0["pod"] as? String } }
        #expect(!live.contains(deleted), "\(deleted), deleted while the feed was paused, is still live in the store")
        // The feed went through the faults as a reflector does: watches restarted, relisted after
        // the 410, API errors counted by code.
        let metrics = try await Self.fetch(metricsURL)
        for family in [#"vpa_store_feed_relists_total{resource="pods"}"#, #"vpa_store_feed_watch_restarts_total{resource="pods"}"#,
                       #"vpa_store_feed_api_errors_total{"#] {
            #expect(metrics.contains(family), "the feed's /metrics lacks \(family):\n\(metrics)")
        }
        let stopped = try await offPool { [store] in [feed.stop(), store.stop(), simulator.stop()] }
        #expect(stopped == [0, 0, 0], "feed, serve and simulate exit statuses")
        let verify = try await offPool { try runner.run("verify") }
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    /// `serve --feed`: the server and the feed in one process, the feed's metrics on the server's
    /// /metrics, and a clean exit on SIGINT (the feed's API client shut down with it).
    @Test func serveWithFeedIngestsTheClusterAndStopsCleanly() async throws {
        let workspace = Workspace()
        let runner = workspace.runner
        let kubeconfig = workspace.directory.appendingPathComponent("kubeconfig").path
        let simulator = try Child(runner, ["simulate", "--api-listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig,
                                           "--speed", "60", "--bulk-pods", "500", "--log-level", "warning"])
        _ = try await offPool { try simulator.line(startingWith: "api listening on ") }
        let store = try Child(runner, ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--feed",
                                       "--kubeconfig", kubeconfig, "--log-level", "warning"])
        let listening = try await offPool { try store.line(startingWith: "listening on ") }
        let metricsURL = try #require(listening.components(separatedBy: ", metrics at ").last)
        let deadline = ContinuousClock.now + .seconds(30)
        var pods = 0
        repeat {
            try await Task.sleep(for: .milliseconds(300))
            pods = try await offPool { Set(try runner.json("query", "resources").compactMap { $0["podUID"] as? String }).count }
        } while pods < 509 && ContinuousClock.now < deadline
        #expect(pods >= 509, "the store holds \(pods) pods; the API serves 500 bulk pods and the scenario's 9")
        let metrics = try await Self.fetch(metricsURL)
        #expect(metrics.contains(#"vpa_store_feed_events_received_total{resource="pods",type="LIST"}"#), "\(metrics)")
        // The store's readiness includes the feed's: everything listed, the store keeping up.
        let ready = try await Self.fetch(String(metricsURL.dropLast("/metrics".count)) + "/readyz")
        #expect(ready.hasPrefix("ok: serving, head position "), "\(ready)")
        let status = try await offPool { store.stop() }
        #expect(status == 0, "serve --feed exited \(status): \(store.stderrText())")
        #expect(try await offPool { simulator.stop() } == 0)
    }

    /// `vpa-store feed` with a kubeconfig whose CA did not sign the server's certificate: a clear
    /// TLS error naming the kubeconfig, retried (a CA can be fixed without restarting the feed).
    @Test func aWrongCertificateAuthorityIsAClearErrorNamingTheKubeconfig() async throws {
        let workspace = Workspace()
        let runner = workspace.runner
        let first = workspace.directory.appendingPathComponent("first").path
        let second = workspace.directory.appendingPathComponent("second").path
        let simulators = try [first, second].map { path in
            try Child(runner, ["simulate", "--api-listen", "127.0.0.1:0", "--kubeconfig-out", path, "--log-level", "warning"])
        }
        let addresses = try await offPool { try simulators.map { try $0.line(startingWith: "api listening on ") } }
        // The first simulator's kubeconfig (its CA, its token), pointed at the second one.
        let secondURL = try #require(addresses[1].split(separator: " ").dropFirst(3).first.map { $0.trimmingCharacters(in: [","]) })
        let firstURL = try #require(addresses[0].split(separator: " ").dropFirst(3).first.map { $0.trimmingCharacters(in: [","]) })
        let wrong = try String(contentsOfFile: first, encoding: .utf8).replacingOccurrences(of: firstURL, with: secondURL)
        let kubeconfig = try workspace.write("wrong-ca", wrong)
        let store = try Child(runner, ["serve", "--listen", "127.0.0.1:0", "--log-level", "warning"])
        let address = try await offPool { try store.line(startingWith: "listening on ") }
        let endpoint = String(address.dropFirst("listening on ".count))
        let feed = try Child(runner, ["feed", "--server", endpoint, "--kubeconfig", kubeconfig, "--log-level", "warning"])
        try await Task.sleep(for: .seconds(4))
        let errors = try await offPool { () -> String in
            _ = feed.stop()
            return feed.stderrText()
        }
        #expect(errors.contains("TLS: the server's certificate is not signed by the certificate authority of kubeconfig \(kubeconfig)"),
                "\(errors)")
        _ = try await offPool { [store] in store.stop() }
        for simulator in simulators { _ = try await offPool { simulator.stop() } }
    }
}
