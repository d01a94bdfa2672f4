import ArgumentParser
import Foundation
import VPAModel
import VPAStoreBench

/// `vpa-store bench`: figures printed by a benchmark, never asserted by a timed test.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest, queries, Watch, replay and footprint on a generated cluster, against raw SQLite.",
        discussion: """
            Starts `vpa-store serve` as a child process on 127.0.0.1 over a temporary database, generates a cluster \
            (--pods pods of 2 containers; each simulated minute every pod reports usage, 1% start an in-place resize, \
            0.2% are OOM-killed), ingests it from --connections connections until --events events, and prints one \
            table: ingest events/s (durable: each call answers after its group commit), Watch lag with --watchers \
            watchers, one pod's actual resources at 1 and many calls in flight, audit queries, server peak RSS, \
            bytes per event, the same events appended by a raw sqlite3 loop, and a full replay. \
            Build with `swift build -c release` first: a debug build measures the debug build.
            """)

    @Flag(name: .long, help: "A small run for CI: 2000 pods, 40000 events; prints the same table.")
    var quick = false

    @Option(name: .long, help: "Pods in the generated cluster (2 containers each). Default 30000.")
    var pods: Int?

    @Option(name: .long, help: "Events to ingest in all. Default 1000000.")
    var events: Int?

    @Option(name: .long, help: "Ingest connections. Default 4.")
    var connections: Int?

    @Option(name: .long, help: "Items (pods or usage samples) per Ingest call. Default 1000.")
    var batchSize: Int?

    @Option(name: .long, help: "Watchers following the log during the second half of the ingest. Default 16.")
    var watchers: Int?

    @Option(name: .long, help: "Calls per point-query workload. Default 20000.")
    var calls: Int?

    @Option(name: .long, help: "Calls in flight per connection in the concurrent point-query workloads. Default 64.")
    var inFlight: Int?

    var settings: ClusterBenchmark.Settings {
        var settings = quick ? ClusterBenchmark.Settings.quick : ClusterBenchmark.Settings()
        if let pods { settings.pods = pods }
        if let events { settings.events = events }
        if let connections { settings.connections = connections }
        if let batchSize { settings.batchSize = batchSize }
        if let watchers { settings.watchers = watchers }
        if let calls { settings.calls = calls }
        if let inFlight { settings.inFlight = inFlight }
        return settings
    }

    func validate() throws {
        let settings = settings
        if settings.pods < 10 { throw ValidationError("--pods must be at least 10") }
        if settings.events < settings.pods * 2 { throw ValidationError("--events must be at least twice --pods (the pods themselves and one round)") }
        if settings.connections < 1 || settings.batchSize < 1 || settings.calls < 1 || settings.inFlight < 1 || settings.watchers < 0 {
            throw ValidationError("--connections, --batch-size, --calls and --in-flight must be at least 1, --watchers at least 0")
        }
    }

    func run() async throws {
        let settings = settings
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let started = ContinuousClock.now
        let lines = try await ClusterBenchmark(executable: executable, settings: settings).run { message in
            writeToStandardError(message + "\n")
        }
        #if DEBUG
        let build = "debug build"
        #else
        let build = "release build"
        #endif
        print("vpa-store bench: \(settings.pods) pods (\(settings.pods * 2) containers), \(settings.events) events wanted, "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(build); server: child process over loopback TCP")
        print("commits: group commit (Ingest calls that arrive while a commit runs share the next transaction), WAL, "
              + "synchronous=FULL: an answer means its commit is on disk")
        let width = lines.map(\.workload.count).max() ?? 0
        let figureWidth = lines.map(\.figure.count).max() ?? 0
        for line in lines {
            print(pad(line.workload, width + 2) + pad(line.figure, figureWidth + 2) + line.detail)
        }
        print(String(format: "bench ran %.0f s", (ContinuousClock.now - started).seconds))
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
