import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query timeline`: one pod's story, for a person (or, with --format, its events for a
/// script, as `query events` prints them).
struct QueryTimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "One pod's story, oldest first: observations, resizes, OOM kills.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var selector: PodSelectorOptions
    @OptionGroup var range: EventRangeOptions

    @Option(name: .long, help: "Output format: table (the story), json, ndjson or csv (its events, as query events prints them).")
    var format: OutputFormat = .table

    func validate() throws {
        guard selector.pod != nil else {
            throw ValidationError("which pod? give --pod NAMESPACE/NAME (or -n NAMESPACE --pod NAME)")
        }
    }

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let pods = try selector.podName
        var story = Timeline()
        var printer = OutputPrinter(format: format, csvHeader: Records.eventCSV, emptyMessage: "")
        _ = try await source.forEachEventPage(range.narrowing(pods.events(of: .pod), to: nil), from: range.fromPosition,
                                              limit: Int.max) { page in
            if format == .table { print(story.lines(page), terminator: "") } else { printer.print(page: page.map(Records.event)) }
            story.events += page.count
        }
        await source.close()
        // A script still gets its csv header (or `[]`) before the error.
        if format != .table { printer.finish() }
        guard story.events > 0 else {
            let name = pods.exact.map { "\($0.namespace)/\($0.name)" } ?? pods.name ?? ""
            throw CLIError("no events for pod \(name) in \(source.name)")
        }
    }
}

/// The timeline text, a page at a time: a header per pod UID, then one line per event, derived
/// events indented under the observation that caused them.
struct Timeline {
    private var currentStream: Int64?
    /// Events rendered so far.
    var events = 0

    mutating func lines(_ records: [EventRecord]) -> String {
        var text = ""
        for record in records {
            let event = record.event
            if event.streamID != currentStream {
                currentStream = event.streamID
                let uid = record.stream.map(EventDescriptions.uid(of:)) ?? ""
                text += "pod \(record.stream.map { "\($0.namespace)/\($0.name)" } ?? "?")" + (uid.isEmpty ? "" : " (uid \(uid))") + "\n"
            }
            let indent = event.causedBy == nil ? "  " : "      └ "
            text += "\(indent)\(event.occurredAt.rfc3339)  #\(event.position)  \(event.body.type.name): \(event.body.summary)\n"
        }
        return text
    }
}
