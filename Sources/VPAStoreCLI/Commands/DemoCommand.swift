import ArgumentParser
import Foundation
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// `vpa-store demo`: the whole system on one machine. A server on a fresh database, a simulated
/// cluster, and the recommender and updater, each its own process, for simulated days; then what
/// happened, and the queries to audit it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the server, a simulated cluster, vpa-recommender and vpa-updater as separate processes, then report.",
        discussion: """
            Starts `vpa-store serve` on --db (recreated), `vpa-store simulate`, `vpa-recommender` and `vpa-updater` \
            (found next to this binary) as child processes over loopback, runs the standard scenario for --duration of \
            simulated time, stops them, and prints the resizes done in place, the evictions by reason, the OOM kills and \
            how the recommendations moved, with the `vpa-store query` commands that show the same from the log.
            """)

    @Option(name: .long, help: ArgumentHelp("The database the demo writes (deleted first).", valueName: "file"))
    var db: String = "./vpa-store-demo.db"

    @Option(name: .long, help: "Simulated time to run (e.g. 2d).", transform: TimeArgument.parseDuration)
    var duration: Int64 = 2 * 86_400_000

    @Option(name: .long, help: "Real time the simulator waits after each simulated minute, so the other processes keep up.",
            transform: TimeArgument.parseDuration)
    var pace: Int64 = 4

    func run() async throws {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let started = ContinuousClock.now

        let server = try ChildProcess(binaries.appendingPathComponent("vpa-store"),
                                      ["serve", "--db", db, "--listen", "127.0.0.1:0", "--log-level", "warning"], name: "serve")
        let first = try server.readLine() ?? ""
        guard first.hasPrefix("listening on "), let address = first.dropFirst("listening on ".count).split(separator: ",").first else {
            throw CLIError("the server did not start: \(first)")
        }
        let endpoint = String(address)
        writeLine("server: \(endpoint), database \(db)")
        let recommender = try ChildProcess(binaries.appendingPathComponent("vpa-recommender"),
                                           ["--server", endpoint, "--interval", "300ms", "--now-from-log", "--log-level", "warning"], name: "recommender")
        let updater = try ChildProcess(binaries.appendingPathComponent("vpa-updater"),
                                       ["--server", endpoint, "--interval", "100ms", "--now-from-log", "--log-level", "warning"], name: "updater")
        writeLine("recommender and updater started; simulating \(duration / 3_600_000)h of the standard scenario…")
        let simulator = try ChildProcess(binaries.appendingPathComponent("vpa-store"),
                                         ["simulate", "--server", endpoint, "--duration", "\(duration)ms", "--pace", "\(pace)ms"],
                                         name: "simulate")
        var simulatorSummary: [String] = []
        while let line = try simulator.readLine() {
            if line.hasPrefix("simulated ") && line.contains("h of ") {
                // One progress line per 6 simulated hours.
                let hours = line.split(separator: "(").last?.prefix { $0.isNumber }
                if let hours, let value = Int(hours), value % 6 == 0 { writeLine("  \(line)") }
            } else {
                simulatorSummary.append(line)
            }
        }
        guard simulator.wait() == 0 else { throw CLIError("the simulator failed: \(simulatorSummary.joined(separator: "\n"))") }
        recommender.interrupt()
        updater.interrupt()
        _ = recommender.wait()
        _ = updater.wait()
        // One last loop of each, run to completion: on a loaded machine the running ones may lag
        // the simulation, and the report should judge the last simulated hour too.
        for (binary, name) in [("vpa-recommender", "recommender"), ("vpa-updater", "updater")] {
            let last = try ChildProcess(binaries.appendingPathComponent(binary),
                                        ["--server", endpoint, "--once", "--now-from-log", "--log-level", "warning"], name: name)
            guard last.wait() == 0 else { throw CLIError("the final \(name) loop failed") }
        }

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
        for query in ["query vpas", "query resizes --state completed", "query events --type UpdaterDecision --limit 20",
                      "query ooms", "query events --type RecommendationPublished --format ndjson", "verify"] {
            writeLine("  vpa-store \(query) --db \(db)")
        }
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
