import EventStore
import Foundation
import StoreRPC
import VPAModel

/// `vpa-store bench`: a generated cluster ingested into a real `vpa-store serve` over loopback,
/// then every workload of the benchmark table measured in one run, with the raw SQLite baseline
/// for the same events.
public struct ClusterBenchmark {
    public struct Settings: Sendable {
        public var pods = 30_000
        /// Events to ingest in all (the rounds are as many as it takes).
        public var events = 1_000_000
        public var connections = 4
        /// Items per Ingest call.
        public var batchSize = 1000
        public var watchers = 16
        public var calls = 20_000
        public var inFlight = 64
        public var pointConnections = 4
        /// Pods the simulated API server holds for the feed's row, and pod changes per second after.
        public var feedPods = 10_000
        public var feedChurnPerSecond = 200

        public init() {}

        /// Small enough for CI (under a minute in a debug build), same workloads.
        public static var quick: Settings {
            var settings = Settings()
            settings.pods = 2000
            settings.events = 40_000
            settings.calls = 2000
            settings.inFlight = 16
            settings.feedPods = 1000
            settings.feedChurnPerSecond = 50
            return settings
        }

        /// Rounds after the initial one: each brings a usage sample per pod and ~2% changes.
        var rounds: Int { max(2, Int((Double(events - pods) / (Double(pods) * 1.03)).rounded(.up))) }
    }

    /// One line of the table.
    public struct Line: Sendable {
        public var workload: String
        public var figure: String
        public var detail: String
    }

    public let executable: URL
    public let settings: Settings

    public init(executable: URL, settings: Settings) {
        self.executable = executable
        self.settings = settings
    }

    /// Runs everything; `progress` hears what is starting.
    public func run(progress: (String) -> Void) async throws -> [Line] {
        let server = try ServerProcess(executable: executable, extraArguments: ["--usage-retention", "off"])
        defer {
            server.stop()
            server.removeFiles()
        }
        let cluster = ClusterGenerator(pods: settings.pods)
        let ingest = IngestBenchmark(endpoint: server.endpoint, cluster: cluster,
                                     settings: .init(connections: settings.connections, batchSize: settings.batchSize))
        var lines: [Line] = []
        let connections = "\(settings.connections) connections, \(settings.batchSize) items per call"

        progress("ingesting \(settings.pods) pods…")
        let load = try await ingest.loadCluster()
        lines.append(ingestLine("ingest: \(settings.pods) new pods", load, connections))
        let rounds = settings.rounds
        let half = max(1, rounds / 2)
        progress("ingesting \(half) rounds of usage and changes…")
        let plain = try await ingest.ingest(label: "rounds", rounds: 1..<(1 + half), watchers: 0)
        lines.append(ingestLine("ingest: usage + changes, \(half) rounds", plain, connections))
        progress("ingesting \(rounds - half) more rounds with \(settings.watchers) watchers…")
        let watched = try await ingest.ingest(label: "rounds", rounds: (1 + half)..<(1 + rounds), watchers: settings.watchers)
        lines.append(ingestLine("ingest: same, \(settings.watchers) watchers following", watched, connections))
        if let lag = watched.watchLag {
            lines.append(Line(workload: "watch: commit → delivery, \(settings.watchers) watchers",
                              figure: "p50 \(lag.percentile(0.5)) ms, p99 \(lag.percentile(0.99)) ms",
                              detail: "\(watched.eventsDelivered) deliveries, every event to every watcher; max \(lag.percentile(1)) ms; "
                                + "watchers read positions and commit times, not bodies"))
        }
        lines.append(Line(workload: "ingest with \(settings.watchers) watchers ÷ without",
                          figure: String(format: "%.2f", watched.eventsPerSecond / plain.eventsPerSecond), detail: "target ≥ 0.8"))

        progress("point queries…")
        let point = PointQueryBenchmark(endpoint: server.endpoint, settings: .init(
            pods: settings.pods, calls: settings.calls, inFlight: settings.inFlight, connections: settings.pointConnections))
        let (pointRows, answerBytes) = try await point.run()
        lines += pointRows.map { pointLine("GetActualResources: \($0.workload)", calls: $0.callsPerSecond, $0.latencies) }

        progress("echo floor…")
        let echo = try EchoFloorBenchmark(frameBytes: answerBytes - 4, calls: settings.calls, inFlight: settings.inFlight).run()
        lines += echo.map { pointLine("floor: TCP echo of \(answerBytes) bytes, \($0.workload)", calls: $0.callsPerSecond, $0.latencies) }
        if pointRows.count == 3, echo.count == 2 {
            let single = pointRows[0].latencies.percentile(0.5).microseconds / echo[0].latencies.percentile(0.5).microseconds
            lines.append(Line(workload: "GetActualResources 1 in flight, p50 ÷ echo p50", figure: String(format: "%.1f", single),
                              detail: "target ≤ 1.5"))
            let pipelined = pointRows[2].callsPerSecond / echo[1].callsPerSecond
            lines.append(Line(workload: "GetActualResources \(pointRows[2].workload) ÷ echo \(settings.inFlight) in flight",
                              figure: String(format: "%.2f", pipelined),
                              detail: String(format: "calls/s; target ≥ 0.6, or ≥ 60000 calls/s (%.0f)", pointRows[2].callsPerSecond)))
        }

        progress("audit queries…")
        for row in try await AuditQueryBenchmark(endpoint: server.endpoint, cluster: cluster).run(rounds: rounds + 1) {
            lines.append(Line(workload: "audit: \(row.workload)", figure: String(format: "%.1f ms", row.medianMilliseconds),
                              detail: "\(row.items) returned; median of 5"))
        }

        let peak = server.peakResidentBytes
        let split = server.residentSplit
        server.stop()
        let footprint = try DatabaseFootprint(path: server.databasePath)
        lines.append(Line(workload: "footprint: server peak RSS", figure: peak.map { "\($0 >> 20) MiB" } ?? "n/a",
                          detail: "\(settings.pods * 2) containers in the projections, \(footprint.events) events"
                            + (split.map { "; at the end \($0.anonymous >> 20) MiB own memory + \($0.file >> 20) MiB file pages (mmap of the database)" } ?? "")))
        lines.append(Line(workload: "footprint: database", figure: String(format: "%.0f bytes/event", footprint.bytesPerEvent),
                          detail: "\(footprint.bytes >> 20) MiB for \(footprint.events) events (log + projections + indexes)"))

        let perCommit = max(1, Int(plain.events) / max(1, plain.calls))
        progress("raw SQLite baseline…")
        let baseline = try RawAppendBaseline.run(source: server.databasePath,
                                                 target: server.directory.appendingPathComponent("baseline.db").path,
                                                 eventsPerTransaction: perCommit)
        let total = Double(load.events + plain.events + watched.events)
        let seconds = load.seconds + plain.seconds + watched.seconds
        lines.append(Line(workload: "baseline: raw sqlite3 appends, same events",
                          figure: String(format: "%.0f events/s", baseline.eventsPerSecond),
                          detail: "\(baseline.events) events, \(perCommit) per transaction (the ingest's average per call), no RPC, no projections"))
        lines.append(Line(workload: "ingest ÷ baseline",
                          figure: String(format: "%.2f", total / seconds / baseline.eventsPerSecond),
                          detail: String(format: "all ingest phases: %.0f events/s; target ≥ 0.25", total / seconds)))

        progress("replay…")
        let store = try EventStore(path: server.databasePath)
        let started = ContinuousClock.now
        let replayed = try store.replay()
        let replaySeconds = (ContinuousClock.now - started).seconds
        lines.append(Line(workload: "replay: rebuild every projection",
                          figure: String(format: "%.0f events/s", Double(replayed.eventsReplayed) / replaySeconds),
                          detail: String(format: "%lld events in %.2f s", replayed.eventsReplayed, replaySeconds)))

        progress("feed from a simulated API server…")
        let feed = try await FeedBenchmark(executable: executable, pods: settings.feedPods,
                                           churnPerSecond: settings.feedChurnPerSecond, churnDuration: .seconds(5)).run()
        lines.append(Line(workload: "feed: LIST of \(feed.pods) pods → ingested", figure: String(format: "%.2f s", feed.initialSeconds),
                          detail: String(format: "%.0f pods/s; HTTPS LIST in pages of 500 from the simulated API, decoded, Ingest in batches of 300; %d events appended",
                                         Double(feed.pods) / feed.initialSeconds, feed.eventsAppended)))
        lines.append(Line(workload: "feed: watch event → acknowledged",
                          figure: String(format: "p50 %.1f ms, p99 %.1f ms", feed.lag.percentile(0.5).microseconds / 1000,
                                         feed.lag.percentile(0.99).microseconds / 1000),
                          detail: "\(feed.churnPerSecond) pod changes/s for 5 s, \(feed.lag.count) events; batches close at 300 observations or 100 ms"))
        return lines
    }

    private func pointLine(_ workload: String, calls: Double, _ latencies: Latencies) -> Line {
        Line(workload: workload, figure: String(format: "%.0f calls/s", calls),
             detail: String(format: "p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs", latencies.percentile(0.5).microseconds,
                            latencies.percentile(0.99).microseconds, latencies.percentile(0.999).microseconds))
    }

    private func ingestLine(_ workload: String, _ phase: IngestBenchmark.Phase, _ connections: String) -> Line {
        Line(workload: workload, figure: String(format: "%.0f events/s", phase.eventsPerSecond),
             detail: String(format: "%lld events, %d calls in %.2f s; ", phase.events, phase.calls, phase.seconds) + connections
                + String(format: "; call p50 %.1f ms, p99 %.1f ms", phase.callLatencies.percentile(0.5).microseconds / 1000,
                         phase.callLatencies.percentile(0.99).microseconds / 1000))
    }
}

/// The size of a store on disk: the database file and its WAL, per event.
struct DatabaseFootprint {
    var bytes: Int
    var events: Int

    var bytesPerEvent: Double { events > 0 ? Double(bytes) / Double(events) : 0 }

    init(path: String) throws {
        let files = [path, path + "-wal"]
        bytes = files.compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }.reduce(0, +)
        events = Int(try EventStore(path: path, access: .readOnly).eventCount())
    }
}
