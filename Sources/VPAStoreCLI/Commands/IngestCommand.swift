import ArgumentParser
import EventStore
import Foundation
import KubernetesJSON
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// `vpa-store ingest`: decode kubectl output and append what it shows.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Append pods, watch events and Evicted events printed by kubectl (JSON or YAML).",
        discussion: """
            Reads `kubectl get pods -A -o json|yaml`, `kubectl get pod NAME -o yaml`, \
            `kubectl get pods -A --watch --output-watch-events -o json` and `kubectl get events -A -o json`; \
            also `kubectl get vpa`, `limitranges` and, to migrate from upstream VPA's recommender, \
            `verticalpodautoscalercheckpoints -A -o json` (ingest the VPAs first). \
            Every input is decoded before anything is appended: a bad document appends nothing. \
            Unchanged pods (informer resyncs) append nothing.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    /// Applies to a file; a server applies its own `serve --usage-retention`.
    @OptionGroup var retention: UsageRetentionOptions

    @Option(name: .long, help: "In-place resize reads: auto (on at the first status resources seen), enabled or disabled.")
    var inPlace: InPlaceMode?

    @Option(name: .long, help: ArgumentHelp("When the objects were observed. Default: now.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var at: Timestamp?

    @Option(name: .long, help: "Commit every N objects instead of the whole input at once.")
    var batchSize: Int?

    @Argument(help: ArgumentHelp("Files to read, or - for standard input.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give a file to ingest, or - to read standard input") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() async throws {
        var observations: [Observation] = []
        var documents = 0
        var ignored = 0
        for path in paths {
            let bytes = try InputFiles.read(path)
            let decoded: DecodedInput
            do {
                decoded = try KubernetesInput.decodeCounting(bytes, file: path)
            } catch {
                throw CLIError("\(error)")
            }
            documents += decoded.documents
            // Accepted as the API server accepts them, but changed: said before anything is written.
            for note in decoded.notes { writeToStandardError("note: \(note)\n") }
            for object in decoded.objects {
                if let observation = object.observation { observations.append(observation) } else { ignored += 1 }
            }
        }
        let summary: IngestSummary
        if let endpoint = server.server {
            let client = StoreClient(endpoint: endpoint, token: try server.token(), peerName: "vpa-store ingest", tls: server.clientTLS,
                                     retry: .default)
            summary = try await RemoteIngest(client: client, endpoint: endpoint)
                .send(observations, observedAt: at ?? .now, inPlaceMode: inPlace, batchSize: batchSize)
        } else {
            let store = try database.openForWriting()
            store.usageRetention = retention.retention
            summary = try store.ingest(observations, observedAt: at ?? .now, inPlaceMode: inPlace, batchSize: batchSize)
            do {
                try store.writeSnapshot()
            } catch {
                // The ingest is committed; only the next open's start-up time depends on the snapshot.
                writeToStandardError("warning: the snapshot could not be written (\(error)); the next open replays the log after the last one\n")
            }
        }
        print(IngestCommand.summaryLine(summary, documents: documents, ignored: ignored))
    }

    /// The one-line summary, e.g. `read 2 documents: 3 pods observed, 1 unchanged; appended 5 events
    /// (positions 1-5): 1 resize transition, 1 OOM kill derived`.
    static func summaryLine(_ summary: IngestSummary, documents: Int, ignored: Int) -> String {
        var line = "read \(counted(documents, "document")): \(counted(summary.podsObserved, "pod")) observed, "
            + "\(summary.unchanged) unchanged"
        if summary.stale > 0 { line += ", \(summary.stale) stale (older than the pod's last observation)" }
        if summary.evictions > 0 { line += ", \(counted(summary.evictions, "eviction event")) recorded" }
        if summary.vpasObserved > 0 { line += ", \(counted(summary.vpasObserved, "VPA object")) read" }
        if summary.usageSamples > 0 { line += ", \(counted(summary.usageSamples, "usage sample")) appended" }
        if summary.limitRangesObserved > 0 { line += ", \(counted(summary.limitRangesObserved, "LimitRange object")) read" }
        if summary.checkpointsImported > 0 {
            line += ", \(counted(summary.checkpointsImported, "upstream checkpoint")) imported into the recommender's checkpoints"
        }
        if summary.checkpointsSkipped > 0 {
            line += ", \(counted(summary.checkpointsSkipped, "upstream checkpoint")) skipped (VPA not in the store: ingest the VPAs "
                + "first; or its checkpoint already has the container)"
        }
        if summary.usageWithoutPod > 0 {
            line += ", \(counted(summary.usageWithoutPod, "usage sample")) of pods not in the store skipped (ingest the pods first)"
        }
        if ignored > 0 { line += ", \(counted(ignored, "object")) ignored" }
        line += "; appended \(counted(summary.eventsAppended, "event"))"
        if let first = summary.firstPosition, let last = summary.lastPosition {
            line += first == last ? " (position \(first))" : " (positions \(first)-\(last))"
        }
        line += ": \(counted(summary.resizeTransitions, "resize transition")) and \(counted(summary.oomKills, "OOM kill")) derived"
        if summary.inPlaceModeChanges > 0 { line += ", in-place mode changed" }
        return line
    }
}

/// An error for the user: ArgumentParser prints its description and exits non-zero.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reading the command's input files.
enum InputFiles {
    /// The bytes of `path`, or of standard input for `-`.
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(path): no such file, or not readable")
        }
        return Array(data)
    }
}
