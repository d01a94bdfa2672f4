import ArgumentParser
import Foundation
import StoreRPC
import VPAStoreBench

/// `vpa-store bench`: figures printed by a benchmark, never asserted by a timed test.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the RPC layer: one pod's actual resources at 1 call in flight and with many in flight.",
        discussion: """
            Starts `vpa-store serve` as a child process on 127.0.0.1 over a temporary database (or uses --server), \
            loads --pods pods through Ingest calls, and prints latency percentiles and calls per second. \
            Build with `swift build -c release` first: a debug build measures the debug build.
            """)

    @Option(name: .long, help: ArgumentHelp("Measure this server instead of starting one.", valueName: "host:port"),
            transform: ServerOptions.parseEndpoint)
    var server: RPCEndpoint?

    @Option(name: .long, help: "Pods to load (2 containers each).")
    var pods: Int = 2000

    @Option(name: .long, help: "Calls per workload.")
    var calls: Int = 20_000

    @Option(name: .long, help: "Calls in flight per connection in the concurrent workloads.")
    var inFlight: Int = 64

    @Option(name: .long, help: "Connections in the several-connections workload.")
    var connections: Int = 4

    func validate() throws {
        if pods < 1 || calls < 1 || inFlight < 1 || connections < 1 {
            throw ValidationError("--pods, --calls, --in-flight and --connections must be at least 1")
        }
    }

    func run() async throws {
        let child: ServerProcess?
        let endpoint: RPCEndpoint
        if let server {
            child = nil
            endpoint = server
        } else {
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            child = try ServerProcess(executable: executable)
            endpoint = child!.endpoint
        }
        defer { child?.stop() }
        let benchmark = PointQueryBenchmark(endpoint: endpoint, settings: .init(pods: pods, calls: calls, inFlight: inFlight,
                                                                                connections: connections))
        writeToStandardError("loading \(pods) pods into \(endpoint)…\n")
        try await benchmark.populate()
        let rows = try await benchmark.run()
        print("GetActualResources of one pod (\(pods) pods loaded), server \(child == nil ? "at \(endpoint)" : "child process"), "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(pad("workload", 40) + pad("calls", 8) + pad("calls/s", 10) + pad("p50 µs", 9) + pad("p99 µs", 9) + "p99.9 µs")
        for row in rows {
            print(pad(row.workload, 40) + pad("\(row.calls)", 8) + pad(String(format: "%.0f", row.callsPerSecond), 10)
                  + pad(String(format: "%.0f", row.latencies.percentile(0.5).microseconds), 9)
                  + pad(String(format: "%.0f", row.latencies.percentile(0.99).microseconds), 9)
                  + String(format: "%.0f", row.latencies.percentile(0.999).microseconds))
        }
        if let rss = child?.residentBytes { print("server RSS: \(rss / (1 << 20)) MiB") }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
