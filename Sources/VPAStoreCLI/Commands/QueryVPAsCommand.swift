import ArgumentParser
import VPAModel

/// `vpa-store query vpas`: the VerticalPodAutoscalers and what the recommender last published, or
/// with --history every recommendation it published.
struct QueryVPAsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpas",
        abstract: "VerticalPodAutoscalers: target, update mode, and the latest recommendation per container.",
        discussion: "With --history, every recommendation published, oldest first, one row per container.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: FormatOptions

    @Option(name: [.customShort("n"), .customLong("namespace")], help: ArgumentHelp("Only this namespace.", valueName: "namespace"))
    var namespace: String?

    @Option(name: .long, help: ArgumentHelp("Only this VPA: NAME (in any namespace, or the one -n gives) or NAMESPACE/NAME.",
                                            valueName: "vpa"))
    var vpa: String?

    @Flag(name: .long, help: "Every recommendation published (RecommendationPublished events), not only the latest.")
    var history = false

    @OptionGroup var range: EventRangeOptions

    func validate() throws {
        _ = try vpas
        if !history && (range.since != nil || range.until != nil || range.fromPosition != 1) {
            throw ValidationError("--since, --until and --from-position choose recommendations of the history: add --history")
        }
    }

    /// The VPAs asked for.
    var vpas: ObjectName { get throws { try ObjectName(namespace: namespace, name: vpa, flag: "--vpa") } }

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let vpas = try self.vpas
        if history {
            var printer = OutputPrinter(format: output.format, csvHeader: Records.vpaHistoryCSV,
                                        emptyMessage: "no recommendations published")
            _ = try await source.forEachEventPage(range.narrowing(vpas.events(of: .vpa), to: .recommendationPublished),
                                                  from: range.fromPosition, limit: Int.max) {
                printer.print(page: $0.flatMap(Records.vpaHistory))
            }
            printer.finish()
        } else {
            let records = try await source.vpas(namespace: vpas.namespace)
            var printer = OutputPrinter(format: output.format, csvHeader: Records.vpaCSV, emptyMessage: "no VPAs")
            printer.print(records.filter { vpas.matches(namespace: $0.vpa.namespace, name: $0.vpa.name) }.flatMap(Records.vpa))
        }
        await source.close()
    }
}
