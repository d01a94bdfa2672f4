import ArgumentParser
import Foundation
import ResourceReport
import VPAModel

/// `vpa-store report`: a pod's, a workload's or a namespace's resource story as one HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw a pod's, a workload's or a namespace's resources over time as one self-contained HTML page.",
        discussion: """
            One panel per pod, container and resource (CPU, memory) on one UTC time axis: desired (spec) and actual \
            (status) requests and limits as step lines, with the source of the actual values; usage; the VPA's target \
            and bounds; resize spans by state with their initiator and timeouts; OOM kills and evictions with the memory \
            request and limit they met. Hover over a mark for its event and log position. A workload's pods are lanes \
            one under the other, replaced pods after the pods they replaced. The page has no script and fetches \
            nothing. Without --out it goes to standard output.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var selector: PodSelectorOptions

    @Option(name: .long, help: ArgumentHelp(
        "Every pod of this workload: NAMESPACE/KIND/NAME (or KIND/NAME with -n), such as shop/Deployment/web. "
            + "Kinds: \(WorkloadReference.kinds.joined(separator: ", ")).", valueName: "workload"))
    var workload: String?

    @Option(name: .long, help: ArgumentHelp("Draw from this time. Default: the first event.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var since: Timestamp?

    @Option(name: .long, help: ArgumentHelp("Draw until this time. Default: the last event.", discussion: TimeArgument.grammar),
            transform: TimeArgument.parse)
    var until: Timestamp?

    @Option(name: .long, help: ArgumentHelp("Write the page to this file (replaced). Default: standard output.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: "Timeout for pending_deferred, for the timed-out marks (e.g. 5m).", transform: TimeArgument.parseDuration)
    var deferredTimeout: Int64 = 5 * 60_000

    @Option(name: .long, help: "Timeout for in_progress, for the timed-out marks (e.g. 1h).", transform: TimeArgument.parseDuration)
    var inProgressTimeout: Int64 = 60 * 60_000

    func validate() throws {
        _ = try subject
        if let since, let until, until <= since {
            throw ValidationError("--until \(until.rfc3339) is not after --since \(since.rfc3339): give a window that moves forward")
        }
    }

    /// What to draw: `--pod`, `--workload`, or `-n` alone (the grammar `/report` reads too).
    var subject: ReportSubject {
        get throws {
            do throws(ReportSubjectError) {
                return try ReportSubject.parse(pod: selector.pod, workload: workload, namespace: selector.namespace)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() async throws {
        let source = try QuerySource.open(database, server)
        let report: RenderedReport
        do {
            report = try await ReportLoading.render(try subject, since: since, until: until, from: source,
                                                    timeouts: ResizeTimeouts(deferred: .milliseconds(deferredTimeout), inProgress: .milliseconds(inProgressTimeout)))
        } catch {
            await source.close()
            throw error
        }
        await source.close()
        guard let out else {
            FileHandle.standardOutput.write(Data(report.html.utf8))
            return
        }
        do {
            try Data(report.html.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw CLIError("--out \(out): cannot write the page: \(error.localizedDescription)")
        }
        guard !report.summary.isEmpty else {
            print("wrote \(out): nothing to draw, no pod of \(try subject) in \(source.name)"
                  + (since != nil || until != nil ? " in that window" : "") + "; the page says so")
            return
        }
        print("wrote \(out): \(ReportLoading.describe(report.summary))")
    }
}
