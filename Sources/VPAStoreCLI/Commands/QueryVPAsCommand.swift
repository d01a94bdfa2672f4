import ArgumentParser
import VPAModel

/// `vpa-store query vpas`: the VerticalPodAutoscalers and what the recommender last published.
struct QueryVPAsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpas",
        abstract: "VerticalPodAutoscalers: target, update mode, and the latest recommendation per container.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: FormatOptions

    @Option(name: .long, help: "Only this namespace.")
    var namespace: String?

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let records = try await source.vpas(namespace: namespace)
        OutputPrinter(format: output.format).print(records.flatMap(Records.vpa), emptyMessage: "no VPAs")
    }
}
