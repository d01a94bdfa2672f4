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

    @Option(name: .long, help: "Only this namespace.")
    var namespace: String?

    @Option(name: .long, help: "Only pods with this name.")
    var pod: String?

    @Option(name: .long, help: "Only this container.")
    var container: String?

    @Option(name: .long, help: "Only kills at or after this time (RFC 3339).", transform: TimeArgument.parse)
    var since: Timestamp?

    @Option(name: .long, help: "Only kills at or before this time (RFC 3339).", transform: TimeArgument.parse)
    var until: Timestamp?

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let views = try await source.oomKills(namespace: namespace, pod: pod, container: container, since: since, until: until)
        OutputPrinter(format: output.format).print(views.map(Records.oom), emptyMessage: "no OOM kills match")
    }
}
