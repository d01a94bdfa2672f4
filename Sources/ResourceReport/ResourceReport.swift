import VPAModel

/// What a page is drawn with besides the history.
public struct ReportOptions: Sendable {
    /// Where the history came from (`./vpa-store.db`, `the server at …`), printed on the page.
    public var sourceName: String
    /// When the page was made, printed on it (passed in, so the same history draws the same page).
    public var generatedAt: Timestamp
    /// The resize timeouts the timed-out marks are judged by (upstream: 5 min deferred, 1 h in progress).
    public var timeouts: ResizeTimeouts

    public init(sourceName: String, generatedAt: Timestamp, timeouts: ResizeTimeouts = ResizeTimeouts()) {
        self.sourceName = sourceName
        self.generatedAt = generatedAt
        self.timeouts = timeouts
    }
}

/// What a page shows, in counts: for the line a command prints, and to pick the liveliest workload.
public struct ReportSummary: Sendable, Equatable {
    public var pods: Int
    public var resizeSpans: Int
    public var oomKills: Int
    public var evictions: Int
    /// The window drawn.
    public var start: Timestamp
    public var end: Timestamp

    public init(pods: Int, resizeSpans: Int, oomKills: Int, evictions: Int, start: Timestamp, end: Timestamp) {
        self.pods = pods
        self.resizeSpans = resizeSpans
        self.oomKills = oomKills
        self.evictions = evictions
        self.start = start
        self.end = end
    }

    /// True when no pod of the subject was alive in the window: the page says so and draws nothing.
    public var isEmpty: Bool { pods == 0 }

    /// `3 pods, 5 resize spans, 2 OOM kills, 1 eviction`: the page's line and the command's.
    public var counts: String {
        [counted(pods, "pod"), counted(resizeSpans, "resize span"), counted(oomKills, "OOM kill"), counted(evictions, "eviction")]
            .joined(separator: ", ")
    }
}

/// A report page: the HTML and what it shows.
public struct RenderedReport: Sendable {
    /// One self-contained page: inline SVG and CSS, no script, nothing fetched. It is well-formed
    /// XML as well as HTML (XHTML syntax), so any XML parser reads it.
    public var html: String
    public var summary: ReportSummary
}

/// Draws a pod's, a workload's or a namespace's resource story as one HTML page: per container and
/// resource, desired and actual requests and limits as step lines, usage, the recommendation's
/// target and bounds, resize spans by state, OOM kills and evictions, on one UTC time axis. Pure:
/// the history comes in loaded (`ReportHistory.load`), the page goes out as a string.
public enum ResourceReport {
    public static func render(_ history: ReportHistory, options: ReportOptions) -> RenderedReport {
        let model = ReportModel(history)
        let summary = summarize(model)
        let x = TimeScale(start: model.start, end: model.end, left: LaneGeometry.left, width: LaneGeometry.plotWidth)
        let subject = history.subject.description
        var out = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>"
        out += "<title>\(Markup.escape("vpa-store report: \(subject)"))</title><style>\(ReportStyle.css)</style></head><body>"
        out += "<h1>\(Markup.escape("Resources of \(subject)"))</h1>"
        // With nothing drawn and no window asked for, there is no window to name.
        let window = summary.isEmpty && history.since == nil && history.until == nil
            ? "" : "From \(model.start.rfc3339) to \(model.end.rfc3339) (times in UTC), read"
        out += "<p class=\"meta\">\(Markup.escape("\(window.isEmpty ? "Read" : window) from \(options.sourceName); made at \(options.generatedAt.rfc3339) by vpa-store \(VPAStoreVersion.current)."))</p>"
        guard !summary.isEmpty else {
            out += "<p class=\"empty\">\(Markup.escape(emptyMessage(history, model: model, source: options.sourceName)))</p></body></html>\n"
            return RenderedReport(html: out, summary: summary)
        }
        out += "<p class=\"meta\">\(Markup.escape("\(summary.counts). Hover over a line or mark for its values and event; every mark names its log position for vpa-store query events."))</p>"
        out += ReportStyle.legend
        for section in model.sections {
            out += self.section(section, x: x, options: options)
        }
        out += "</body></html>\n"
        return RenderedReport(html: out, summary: summary)
    }

    private static func emptyMessage(_ history: ReportHistory, model: ReportModel, source: String) -> String {
        let window = (history.since != nil || history.until != nil)
            ? " between \(model.start.rfc3339) and \(model.end.rfc3339)" : ""
        return "No history: \(source) holds no pod of \(history.subject)\(window). Check the name with "
            + "vpa-store query resources, or widen --since and --until."
    }

    private static func summarize(_ model: ReportModel) -> ReportSummary {
        let pods = model.visiblePods
        let inWindow = { (time: Timestamp) in time >= model.start && time <= model.end }
        return ReportSummary(
            pods: pods.count,
            resizeSpans: pods.map { $0.spans.filter { ($0.to ?? model.end) >= model.start && $0.from <= model.end }.count }.reduce(0, +),
            oomKills: pods.map { $0.containers.map { $0.oomKills.filter { inWindow($0.kill.at) }.count }.reduce(0, +) }.reduce(0, +),
            evictions: pods.map { $0.evictions.filter { inWindow($0.at) }.count }.reduce(0, +),
            start: model.start, end: model.end)
    }

    // MARK: - Sections

    private static func section(_ section: ReportModel.Section, x: TimeScale, options: ReportOptions) -> String {
        var out = "<section><h2>\(Markup.escape(section.title))</h2>"
        // Every container any of the pods had, app containers first, each in the order first seen.
        var containers: [(name: String, type: ContainerType)] = []
        for pod in section.pods {
            for container in pod.containers where !containers.contains(where: { $0.name == container.name && $0.type == container.type }) {
                containers.append((container.name, container.type))
            }
        }
        containers.sort { ($0.type == .container ? 0 : 1) < ($1.type == .container ? 0 : 1) }
        for container in containers {
            for resource in ReportResource.allCases {
                let lanes = section.pods.compactMap { pod in
                    pod.containers.first { $0.name == container.name && $0.type == container.type }.map { (pod, $0) }
                }
                out += "<h3>\(Markup.escape("\(container.name)\(container.type == .`init` ? " (init)" : "") · \(resource.title)"))</h3>"
                for (pod, history) in lanes {
                    // Each lane its own amounts: one pod's odd resize (a manual 12Gi) must not flatten the others.
                    let largest = largestAmount(pod: pod, container: history, resource: resource, vpa: section.vpa, x: x)
                    let y = QuantityScale(resource: resource, largest: largest, top: LaneGeometry.plotTop, height: LaneGeometry.plotHeight)
                    let panel = LanePanel(pod: pod, container: history, resource: resource, vpa: section.vpa, x: x, y: y,
                                          timeouts: options.timeouts)
                    out += "<figure class=\"lane\"><figcaption>\(Markup.escape(caption(pod)))</figcaption>\(panel.svg)</figure>"
                }
            }
        }
        out += marksTable(section, start: x.start, end: x.end)
        return out + "</section>"
    }

    private static func caption(_ pod: PodHistory) -> String {
        var text = "pod \(pod.namespace)/\(pod.name)"
        if !pod.uid.isEmpty { text += " (uid \(pod.uid))" }
        text += ": first observed \(pod.firstSeen.rfc3339)"
        if let deleted = pod.deletedAt { text += ", deleted \(deleted.rfc3339)" }
        return text
    }

    /// The largest amount a lane draws in the window: the top of its scale.
    /// The recommendation's upper bound counts only when it is within half again of the rest: early
    /// on (few samples) upstream's bound is tens of cores and gigabytes, and would flatten every
    /// line; the band is cut at the top instead.
    private static func largestAmount(pod: PodHistory, container: PodHistory.Container, resource: ReportResource,
                                      vpa: ReportModel.VPAHistory?, x: TimeScale) -> Int64 {
        var largest: Int64 = 0
        var upper: Int64 = 0
        for change in container.changes {
            for line in LanePanel.Line.allCases { largest = max(largest, line.amount(change, resource) ?? 0) }
        }
        for sample in container.usage where sample.at >= x.start && sample.at <= x.end {
            largest = max(largest, resource == .cpu ? sample.cpuMillicores : sample.memoryBytes)
        }
        if let vpa {
            for point in vpa.series(for: container.name) where point.at <= x.end {
                guard let recommendation = point.recommendation else { continue }
                largest = max(largest, resource.amount(in: recommendation.target) ?? 0)
                upper = max(upper, resource.amount(in: recommendation.upperBound) ?? 0)
            }
        }
        if resource == .memory {
            for mark in container.oomKills where mark.kill.at >= x.start && mark.kill.at <= x.end {
                largest = max(largest, mark.kill.memoryLimitBytes ?? 0, mark.kill.memoryRequestBytes ?? 0)
            }
        }
        // `upper <= 1.5 × largest`, written so it cannot overflow near Int64.max (a saturated
        // quantity such as `8Ei`) or below 0 (a negative bound).
        return largest == 0 || upper <= largest || upper - largest <= largest / 2 ? max(largest, upper) : largest
    }

    /// Every marked event of the section's pods in the window, by log position: where an audit
    /// continues with `vpa-store query events`.
    private static func marksTable(_ section: ReportModel.Section, start: Timestamp, end: Timestamp) -> String {
        var rows: [(position: Int64, at: Timestamp, pod: String, text: String)] = []
        for pod in section.pods {
            let name = "\(pod.namespace)/\(pod.name)"
            for span in pod.spans where (span.to ?? end) >= start && span.from <= end {
                rows.append((span.position, span.from, name, "ResizeTransition: \(span.summary)"))
            }
            for container in pod.containers {
                for mark in container.oomKills where mark.kill.at >= start && mark.kill.at <= end {
                    rows.append((mark.position, mark.kill.at, name, "OomKilled: \(mark.summary)"))
                }
            }
            for mark in pod.evictions where mark.at >= start && mark.at <= end {
                rows.append((mark.position, mark.at, name, "\(mark.byUpdater ? "UpdaterDecision" : "EvictionObserved"): \(mark.summary)"))
            }
        }
        guard !rows.isEmpty else { return "" }
        rows.sort { $0.position < $1.position }
        let shown = 300
        var out = "<table class=\"marks\"><thead><tr><th>position</th><th>time (UTC)</th><th>pod</th><th>event</th></tr></thead><tbody>"
        for row in rows.prefix(shown) {
            out += "<tr><td class=\"position\">#\(row.position)</td><td>\(Markup.escape(row.at.rfc3339))</td>"
                + "<td>\(Markup.escape(row.pod))</td><td>\(Markup.escape(row.text))</td></tr>"
        }
        out += "</tbody></table>"
        if rows.count > shown {
            out += "<p class=\"meta\">\(Markup.escape("… and \(rows.count - shown) more: vpa-store query events --from-position \(rows[shown].position)"))</p>"
        }
        return out
    }
}
