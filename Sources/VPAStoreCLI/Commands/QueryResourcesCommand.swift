import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query resources`: actual and desired resources per container, now or in the past.
struct QueryResourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resources",
        abstract: "Actual resources (status first, spec fallback) and desired resources of each container.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: FormatOptions

    @OptionGroup var selector: PodSelectorOptions

    @Option(name: .long, help: ArgumentHelp("As observed at this time.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var at: Timestamp?

    @Option(name: .long, help: "As the log stood after this position.")
    var position: Int64?

    func validate() throws {
        if at != nil && position != nil { throw ValidationError("give --at or --position, not both") }
        if let position, position < 0 { throw ValidationError("--position must not be negative") }
    }

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let point: PointInTime? = if let at { .time(at) } else if let position { .position(position) } else { nil }
        let pods = try selector.podName
        let views = try await source.resources(at: point, namespace: pods.namespace, pod: pods.name)
        var printer = OutputPrinter(format: output.format, csvHeader: Records.resourcesCSV, emptyMessage: "no containers match")
        printer.print(views.map(Records.resources))
    }
}
