import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query events`: the log itself.
struct QueryEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Events of the log, oldest first, with their bodies.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: FormatOptions

    @Option(name: .long, help: "Only this pod (NAMESPACE/NAME).", transform: PodArgument.parse)
    var pod: (namespace: String, name: String)?

    @Option(name: .long, help: "Only this event type (PodObserved, PodDeleted, ResizeTransition, OomKilled, EvictionObserved, InPlaceModeChanged, ResizeRequested).")
    var type: String?

    @Option(name: .long, help: "Only events that occurred at or after this time (RFC 3339).", transform: TimeArgument.parse)
    var since: Timestamp?

    @Option(name: .long, help: "Only events that occurred at or before this time (RFC 3339).", transform: TimeArgument.parse)
    var until: Timestamp?

    @Option(name: .long, help: "Start at this position.")
    var fromPosition: Int64 = 1

    @Option(name: .long, help: "At most this many events.")
    var limit: Int = 1000

    func validate() throws {
        if let type, EventType(name: type) == nil {
            throw ValidationError("--type \(type): unknown event type; use one of \(EventType.allCases.map(\.name).joined(separator: ", "))")
        }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let filter = EventFilter(pod: pod, type: type.flatMap(EventType.init(name:)), since: since, until: until,
                                 fromPosition: fromPosition, limit: limit)
        let records = try await source.events(filter)
        OutputPrinter(format: output.format).print(records.map { Records.event($0.event, stream: $0.stream) },
                                                   emptyMessage: "no events match")
    }
}
