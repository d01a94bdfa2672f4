import ArgumentParser
import EventStore
import VPAModel

/// `vpa-store query resizes`: pods mid-resize, how long, and whether the updater would give up.
struct QueryResizesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resizes",
        abstract: "Pods that are resizing, for how long, and whether the resize timeouts are exceeded.",
        discussion: """
            The timeouts are upstream VPA's (pkg/updater/restriction/pods_inplace_restriction.go): a resize \
            Deferred for more than 5 minutes or InProgress for more than 1 hour is evicted by the updater in \
            InPlaceOrRecreate mode; Infeasible and Error are evicted at once.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: FormatOptions

    @OptionGroup var selector: PodSelectorOptions

    @Option(name: .long, help: "Only this state (none, pending_deferred, pending_infeasible, in_progress, in_progress_error, completed). Default: every resizing state.")
    var state: ResizeState?

    @Option(name: .long, help: ArgumentHelp("Judge elapsed time and timeouts at this time. Default: now.",
                                            discussion: TimeArgument.grammar), transform: TimeArgument.parse)
    var now: Timestamp?

    @Option(name: .long, help: "Timeout for pending_deferred (e.g. 5m).", transform: TimeArgument.parseDuration)
    var deferredTimeout: Int64 = 5 * 60_000

    @Option(name: .long, help: "Timeout for in_progress (e.g. 1h).", transform: TimeArgument.parseDuration)
    var inProgressTimeout: Int64 = 60 * 60_000

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let views = try await source.resizes(state: state, now: now ?? .now,
                                  timeouts: ResizeTimeouts(deferred: .milliseconds(deferredTimeout), inProgress: .milliseconds(inProgressTimeout)))
        // The server answers for every pod; the selection is the same test on either source.
        let pods = try selector.podName
        var printer = OutputPrinter(format: output.format, csvHeader: Records.resizeCSV, emptyMessage: "no pods are resizing")
        printer.print(views.filter { pods.matches(namespace: $0.namespace, name: $0.pod) }.map(Records.resize))
    }
}
