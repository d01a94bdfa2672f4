import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query ooms`: OOM kills with the memory the container really had.
struct QueryOOMsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ooms",
        abstract: "OOM kills, with the actual memory request and limit at the kill and where they came from.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: FormatOptions

    @OptionGroup var selector: PodSelectorOptions

    @Option(name: .long, help: "Only this container.")
    var container: String?

    @Option(name: .long, help: ArgumentHelp("Only kills at or after this time.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var since: Timestamp?

    @Option(name: .long, help: ArgumentHelp("Only kills at or before this time.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var until: Timestamp?

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let pods = try selector.podName
        let views = try await source.oomKills(namespace: pods.namespace, pod: pods.name, container: container, since: since,
                                              until: until)
        var printer = OutputPrinter(format: output.format, csvHeader: Records.oomCSV, emptyMessage: "no OOM kills match")
        printer.print(views.map(Records.oom))
    }
}
