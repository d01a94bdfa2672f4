import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query events`: the log itself.
struct QueryEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Events of the log, oldest first, with their bodies.",
        discussion: """
            Printed as read, a page at a time, so any --limit (or --all) takes the same memory. When more \
            events match past --limit, the last line on standard error says where to continue.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var selector: PodSelectorOptions
    @OptionGroup var range: EventRangeOptions

    @Option(name: .long, help: ArgumentHelp(
        "Only events of this VPA (its recommendations, checkpoints, observations): NAME or NAMESPACE/NAME.", valueName: "vpa"))
    var vpa: String?

    @Option(name: .long, help: "Only this event type (\(EventType.allCases.map(\.name).joined(separator: ", "))).")
    var type: String?

    @Option(name: .long, help: "At most this many events; 0 for all of them.")
    var limit: Int = 1000

    @Flag(name: .long, help: "Every matching event (the same as --limit 0).")
    var all = false

    func validate() throws {
        if let type, EventType(name: type) == nil {
            throw ValidationError("--type \(type): unknown event type; use one of \(EventType.allCases.map(\.name).joined(separator: ", "))")
        }
        if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
        if vpa != nil && selector.pod != nil { throw ValidationError("give --pod or --vpa, not both") }
        _ = try selection
    }

    /// The streams asked for: pods by `-n`/`--pod`, or a VPA by `--vpa`.
    var selection: EventSelector {
        get throws {
            if let vpa { return try ObjectName(namespace: selector.namespace, name: vpa, flag: "--vpa").events(of: .vpa) }
            let pods = try selector.podName
            return pods.events(of: pods.name == nil ? nil : .pod)
        }
    }

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let events = range.narrowing(try selection, to: type.flatMap(EventType.init(name:)))
        var printer = OutputPrinter(format: output.format, csvHeader: Records.eventCSV, emptyMessage: "no events match")
        let more = try await source.forEachEventPage(events, from: range.fromPosition, limit: all || limit == 0 ? Int.max : limit) {
            printer.print(page: $0.map(Records.event))
        }
        printer.finish()
        if let more {
            writeToStandardError("more events match: continue with --from-position \(more), or give --all or a larger --limit\n")
        }
        await source.close()
    }
}

/// `--since`, `--until` and `--from-position`: the part of the log an event read covers.
struct EventRangeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Only events that occurred at or after this time.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var since: Timestamp?

    @Option(name: .long, help: ArgumentHelp("Only events that occurred at or before this time.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var until: Timestamp?

    @Option(name: .long, help: "Start at this position.")
    var fromPosition: Int64 = 1

    /// `events` of this range's times, and of `type` when one is given.
    func narrowing(_ events: EventSelector, to type: EventType?) -> EventSelector {
        var narrowed = events
        narrowed.type = type
        narrowed.since = since
        narrowed.until = until
        return narrowed
    }
}
