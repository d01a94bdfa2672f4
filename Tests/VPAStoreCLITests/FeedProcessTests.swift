import Foundation
import KubernetesJSON
import Testing
import VPAModel

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

        init(_ runner: CommandRunner, _ arguments: [String]) throws {
            (process, out, err) = try runner.start(arguments)
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

    /// Container resources as (pod uid, container) → "desired requests | actual requests", from the API's pods.
    static func apiResources(kubeconfig: String) throws -> [String: String] {
        let kubectl = Process()
        kubectl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        kubectl.arguments = ["kubectl", "--kubeconfig", kubeconfig, "get", "pods", "-A", "-o", "json"]
        let out = Pipe()
        kubectl.standardOutput = out
        kubectl.standardError = FileHandle.nullDevice
        try kubectl.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        kubectl.waitUntilExit()
        guard kubectl.terminationStatus == 0 else {
            throw RunnerError("kubectl get pods failed (status \(kubectl.terminationStatus)); kubectl ≥ 1.32 must be on PATH")
        }
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
                                      "--metrics-interval", "1s", "--log-level", "error"])
        try await Task.sleep(for: .seconds(4))
        #expect(try await offPool { try !Self.storeResources(runner).isEmpty }, "the feed ingested nothing in 4 s")

        kill(store.process.processIdentifier, SIGKILL)
        try await offPool { [store] in store.process.waitUntilExit() }
        // The cluster goes on changing while the store is away; the feed holds and retries.
        try await Task.sleep(for: .seconds(3))
        store = try Child(runner, ["serve", "--unix", socket, "--log-level", "warning"])
        _ = try await offPool { [store] in try store.line(startingWith: "listening on ") }

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
        let stopped = try await offPool { [store] in [feed.stop(), store.stop(), simulator.stop()] }
        #expect(stopped == [0, 0, 0], "feed, serve and simulate exit statuses")
        let verify = try await offPool { try runner.run("verify") }
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
