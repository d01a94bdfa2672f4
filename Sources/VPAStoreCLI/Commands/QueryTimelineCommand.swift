import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query timeline`: one pod's story, for a person.
struct QueryTimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "One pod's story, oldest first: observations, resizes, OOM kills.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The pod (NAMESPACE/NAME).", transform: PodArgument.parse)
    var pod: (namespace: String, name: String)

    func run() throws {
        let store = try database.openForReading()
        let events = try store.events(EventFilter(pod: pod, limit: Int.max))
        guard !events.isEmpty else {
            throw CLIError("no events for pod \(pod.namespace)/\(pod.name) in \(database.path)")
        }
        print(QueryTimelineCommand.render(events, store: store))
    }

    /// The timeline text: a header per pod UID, then one line per event, derived events indented
    /// under the observation that caused them.
    static func render(_ events: [StoredEvent], store: EventStore) -> String {
        var lines: [String] = []
        var currentStream: Int64?
        for event in events {
            if event.streamID != currentStream {
                currentStream = event.streamID
                let uid = store.stream(event.streamID).map(EventDescriptions.uid(of:)) ?? ""
                lines.append("pod \(store.stream(event.streamID).map { "\($0.namespace)/\($0.name)" } ?? "?")"
                             + (uid.isEmpty ? "" : " (uid \(uid))"))
            }
            let indent = event.causedBy == nil ? "  " : "      └ "
            lines.append("\(indent)\(event.occurredAt.rfc3339)  #\(event.position)  \(event.body.type.name): \(EventDescriptions.summary(event.body))")
        }
        return lines.joined(separator: "\n")
    }
}
