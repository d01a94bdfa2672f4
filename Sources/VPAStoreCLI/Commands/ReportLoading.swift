import EventStore
import ResourceReport
import VPAModel

// The one place the CLI reads a report's history: through `QuerySource`, so `--db` and `--server`
// draw the same page.

extension QuerySource: ReportEventSource {
    func eachEventPage(_ selector: EventSelector, _ body: ([EventRecord]) throws -> Void) async throws {
        _ = try await forEachEventPage(selector, from: 1, limit: Int.max, body)
    }
}

enum ReportLoading {
    /// Loads `subject`'s history from `source` and draws it.
    static func render(_ subject: ReportSubject, since: Timestamp?, until: Timestamp?, from source: QuerySource,
                       timeouts: ResizeTimeouts = ResizeTimeouts()) async throws -> RenderedReport {
        let history = try await ReportHistory.load(subject, since: since, until: until, from: source)
        return ResourceReport.render(history, options: ReportOptions(sourceName: source.name, generatedAt: .now, timeouts: timeouts))
    }

    /// `3 pods, 5 resize spans, 2 OOM kills, 1 eviction, 2026-… to 2026-…`.
    static func describe(_ summary: ReportSummary) -> String {
        summary.counts + ", \(summary.start.rfc3339) to \(summary.end.rfc3339)"
    }
}
