import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query timeline`: one pod's story, for a person.
struct QueryTimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "One pod's story, oldest first: observations, resizes, OOM kills.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: "The pod (NAMESPACE/NAME).", transform: PodArgument.parse)
    var pod: (namespace: String, name: String)

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let records = try await source.events(EventFilter(pod: pod, limit: Int.max))
        guard !records.isEmpty else {
            throw CLIError("no events for pod \(pod.namespace)/\(pod.name) in \(source.name)")
        }
        print(QueryTimelineCommand.render(records))
    }

    /// The timeline text: a header per pod UID, then one line per event, derived events indented
    /// under the observation that caused them.
    static func render(_ records: [EventRecord]) -> String {
        var lines: [String] = []
        var currentStream: Int64?
        for record in records {
            let event = record.event
            if event.streamID != currentStream {
                currentStream = event.streamID
                let uid = record.stream.map(EventDescriptions.uid(of:)) ?? ""
                lines.append("pod \(record.stream.map { "\($0.namespace)/\($0.name)" } ?? "?")"
                             + (uid.isEmpty ? "" : " (uid \(uid))"))
            }
            let indent = event.causedBy == nil ? "  " : "      └ "
            lines.append("\(indent)\(event.occurredAt.rfc3339)  #\(event.position)  \(event.body.type.name): \(EventDescriptions.summary(event.body))")
        }
        return lines.joined(separator: "\n")
    }
}
