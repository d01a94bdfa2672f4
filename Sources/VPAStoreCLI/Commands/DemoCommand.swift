import ArgumentParser
import Foundation
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// `vpa-store demo`: the whole system on one machine, on the production path (DESIGN §8). A
/// simulated cluster served as a Kubernetes API, `vpa-store feed` watching it into a server on a
/// fresh database, and `vpa-recommender` and `vpa-updater` acting through that API, each its own
/// process, for simulated days; then what happened, and the queries to audit it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated cluster's Kubernetes API, the feed, the server, vpa-recommender and vpa-updater as separate processes, then report.",
        discussion: """
            Starts `vpa-store serve` on --db (recreated); `vpa-store simulate --api-listen` (the standard scenario served \
            as a Kubernetes API over HTTPS, on a clock --speed times real time, with a kubeconfig next to the database); \
            `vpa-store feed` (list/watch of that API into the server); `vpa-recommender --publish api` (recommendations \
            to the store and to each VPA's status, which the simulated admission applies to new pods) and \
            `vpa-updater --actuate api` (resizes through pods/resize, evictions through the Eviction API). The \
            binaries are found next to this one. After --duration of simulated time it stops them and prints what went \
            through the API, the resizes done in place, the evictions by reason, the OOM kills and how the \
            recommendations moved, with the `vpa-store query` commands that show the same from the log; last, it draws \
            the workload with the most resizes, OOM kills and evictions with `vpa-store report` into --db's name \
            plus .report.html, and prints that path.
            """)

    @Option(name: .long, help: ArgumentHelp("The database the demo writes (deleted first).", valueName: "file"))
    var db: String = "./vpa-store-demo.db"

    @Option(name: .long, help: "Simulated time to run (e.g. 2d).", transform: TimeArgument.parseDuration)
    var duration: Int64 = 2 * 86_400_000

    @Option(name: .long, help: "Simulated seconds per real second (2880: two simulated days in a minute).")
    var speed: Double = 2880

    func validate() throws {
        if !(speed >= 1 && speed <= 20_000) { throw ValidationError("--speed must be between 1 and 20000") }
        if duration < 60_000 { throw ValidationError("--duration must be at least 1m") }
    }

    func run() async throws {
        let binaries = Self.binariesFolder()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let kubeconfig = db + ".kubeconfig"
        let started = ContinuousClock.now

        let server = try ChildProcess(binaries.appendingPathComponent("vpa-store"),
                                      ["serve", "--db", db, "--listen", "127.0.0.1:0", "--log-level", "warning"], name: "serve")
        let first = try server.readLine() ?? ""
        guard first.hasPrefix("listening on "), let address = first.dropFirst("listening on ".count).split(separator: ",").first else {
            throw CLIError("the server did not start: \(first)")
        }
        let endpoint = String(address)
        writeLine("server: \(endpoint), database \(db)")

        // One simulated minute per step; metrics polled once a simulated minute.
        let minute = max(10, Int64(60_000 / speed))
        let simulator = try ChildProcess(binaries.appendingPathComponent("vpa-store"),
                                         ["simulate", "--api-listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig,
                                          "--speed", "\(speed)", "--step", "60s", "--duration", "\(duration)ms", "--hold",
                                          "--log-level", "warning"], name: "simulate")
        let api = try simulator.readLine() ?? ""
        guard api.hasPrefix("api listening on ") else { throw CLIError("the simulated API did not start: \(api)") }
        writeLine("simulated cluster: \(api.dropFirst("api listening on ".count)) (try kubectl --kubeconfig \(kubeconfig) get pods -A)")
        let cluster = ["--kubeconfig", kubeconfig]
        let feed = try ChildProcess(binaries.appendingPathComponent("vpa-store"),
                                    ["feed", "--server", endpoint, "--batch-latency", "5ms", "--metrics-interval", "\(minute)ms",
                                     "--log-level", "warning"] + cluster, name: "feed")
        let recommender = try ChildProcess(binaries.appendingPathComponent("vpa-recommender"),
                                           ["--server", endpoint, "--interval", "300ms", "--now-from-log", "--publish", "api",
                                            "--log-level", "warning"] + cluster, name: "recommender")
        let updater = try ChildProcess(binaries.appendingPathComponent("vpa-updater"),
                                       ["--server", endpoint, "--interval", "100ms", "--now-from-log", "--actuate", "api",
                                        "--log-level", "warning"] + cluster, name: "updater")
        writeLine("feed, recommender (--publish api) and updater (--actuate api) started; simulating \(duration / 3_600_000)h "
                  + "of the standard scenario at \(Int(speed))× …")
        while let line = try simulator.readLine(), !line.hasPrefix("reached --duration") {
            // One progress line per 6 simulated hours.
            if line.hasPrefix("simulated "), let hours = line.split(separator: "(").last?.prefix(while: \.isNumber),
               let value = Int(hours), value % 6 == 0 {
                writeLine("  \(line)")
            }
        }
        // The simulated clock has stopped and the API still serves: what the feed holds reaches the
        // store within its batch latency, then the clients stop before the cluster does.
        try await Task.sleep(for: .milliseconds(300))
        for process in [feed, recommender, updater] { process.interrupt() }
        for process in [feed, recommender, updater] where process.wait() != 0 {
            throw CLIError("\(process.name) failed; its messages are above")
        }
        simulator.interrupt()
        var simulatorSummary: [String] = []
        while let line = try simulator.readLine() { simulatorSummary.append(line) }
        guard simulator.wait() == 0 else { throw CLIError("the simulator failed: \(simulatorSummary.joined(separator: "\n"))") }

        let client = StoreClient(endpoint: RPCEndpoint(parsing: endpoint)!, peerName: "vpa-store demo")
        let report = try await DemoReport.gather(client)
        await client.close()
        server.interrupt()
        _ = server.wait()
        let seconds = (ContinuousClock.now - started).components.seconds
        writeLine("")
        writeLine(simulatorSummary.joined(separator: "\n"))
        writeLine(report.text)
        writeLine("ran \(duration / 3_600_000) simulated hours in \(seconds) s of real time")
        writeLine("")
        writeLine("audit it from the log:")
        for query in ["query vpas", "query vpas --history", "query resizes --state completed", "query events --type UpdaterDecision --limit 20",
                      "query ooms", "query events --type RecommendationPublished --format ndjson", "verify"] {
            writeLine("  vpa-store \(query) --db \(db)")
        }
        writeLine("")
        writeLine(try await DemoReportPage.write(database: db, to: db + ".report.html"))
    }

    /// The folder of the running executable (`/proc/self/exe`, so a binary started through `$PATH`
    /// or a symlink finds its siblings), else of argv[0].
    static func binariesFolder() -> URL {
        let link = URL(fileURLWithPath: "/proc/self/exe")
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link.path) {
            return URL(fileURLWithPath: target).deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }
}

/// A child process whose standard output is read line by line.
final class ChildProcess {
    private let process = Process()
    private let output = Pipe()
    private var buffer = Data()
    let name: String

    init(_ executable: URL, _ arguments: [String], name: String) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw CLIError("\(executable.path) is missing: build all products first (swift build -c release)")
        }
        self.name = name
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
    }

    /// The next line of standard output, or nil at its end.
    func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(chunk)
        }
    }

    func interrupt() { if process.isRunning { process.interrupt() } }

    /// Waits for the exit; returns the status.
    func wait() -> Int32 {
        // Drain what is left so the child never blocks on a full pipe.
        while (try? readLine()) ?? nil != nil {}
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
}
