import Foundation
import ResourceReport
import StoreAPI
import VPAModel
import VPAStoreServer

/// The page `vpa-store demo` ends with: the report of the workload with the most going on (resize
/// spans, OOM kills and evictions), read from the demo's database once its server has stopped.
enum DemoReportPage {
    /// Draws every VPA's workload, writes the liveliest to `path`, and returns what to print.
    static func write(database: String, to path: String) async throws -> String {
        let source = QuerySource(store: try LocalStore.open(path: database), name: database)
        let best: (workload: WorkloadReference, report: RenderedReport)?
        do {
            best = try await liveliest(from: source)
        } catch {
            await source.close()
            throw error
        }
        await source.close()
        guard let best else { return "no VPA in the store: no report drawn" }
        try Data(best.report.html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return "report of the liveliest workload, \(best.workload.description) (\(ReportLoading.describe(best.report.summary))): \(path)\n"
            + "  (another: vpa-store report --workload NAMESPACE/KIND/NAME --db \(database) --out FILE.html)"
    }

    /// Draws every VPA's workload and returns the one with the most going on.
    private static func liveliest(from source: QuerySource) async throws -> (workload: WorkloadReference, report: RenderedReport)? {
        let workloads = Set(try await source.vpas(namespace: nil).map(\.vpa.targetWorkload)).sorted { $0.description < $1.description }
        var best: (workload: WorkloadReference, report: RenderedReport)?
        for workload in workloads {
            let report = try await ReportLoading.render(.workload(workload), since: nil, until: nil, from: source)
            if best.map({ score(report.summary) > score($0.report.summary) }) ?? true { best = (workload, report) }
        }
        return best
    }

    /// How many kinds of thing happened (resizes, OOM kills, evictions), then how many in all.
    static func score(_ summary: ReportSummary) -> (Int, Int) {
        let counts = [summary.resizeSpans, summary.oomKills, summary.evictions]
        return (counts.filter { $0 > 0 }.count, counts.reduce(0, +))
    }
}
