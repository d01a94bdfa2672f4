import VPAModel

/// One panel: one resource of one container of one pod, on the report's time axis.
struct LanePanel {
    let pod: PodHistory
    let container: PodHistory.Container
    let resource: ReportResource
    let vpa: ReportModel.VPAHistory?
    let x: TimeScale
    let y: QuantityScale
    let timeouts: ResizeTimeouts

    /// Where the pod existed inside the window.
    var lifeStart: Timestamp { max(pod.firstSeen, x.start) }
    var lifeEnd: Timestamp { min(pod.deletedAt ?? x.end, x.end) }

    /// The `<svg>` element.
    var svg: String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lane\" width=\"\(Markup.number(LaneGeometry.width))\" "
            + "height=\"\(Markup.number(LaneGeometry.height))\" viewBox=\"0 0 \(Markup.number(LaneGeometry.width)) "
            + "\(Markup.number(LaneGeometry.height))\" data-pod=\"\(Markup.escape("\(pod.namespace)/\(pod.name)"))\" "
            + "data-uid=\"\(Markup.escape(pod.uid))\" data-container=\"\(Markup.escape(container.name))\" "
            + "data-resource=\"\(resource.rawValue)\" data-start-ms=\"\(x.start.unixMilliseconds)\" "
            + "data-end-ms=\"\(x.end.unixMilliseconds)\" data-maximum=\"\(y.maximum)\">"
        out += Markup.title("\(resource.title) of container \(container.name) in pod \(pod.namespace)/\(pod.name)")
        out += "<rect class=\"plot\" x=\"\(Markup.number(x.left))\" y=\"\(Markup.number(y.top))\" "
            + "width=\"\(Markup.number(x.width))\" height=\"\(Markup.number(y.height))\"/>"
        out += absence
        out += resizeSpans
        out += grid
        out += recommendation
        out += usage
        for line in Line.allCases { out += path(line) }
        out += sourceStrip
        out += oomMarks
        out += evictionMarks
        out += timeAxis
        out += "</svg>"
        return out
    }

    // MARK: - Lines

    /// The four request and limit lines.
    enum Line: String, CaseIterable {
        case desiredRequest = "desired-request"
        case desiredLimit = "desired-limit"
        case actualRequest = "actual-request"
        case actualLimit = "actual-limit"

        func amount(_ change: PodHistory.ResourceChange, _ resource: ReportResource) -> Int64? {
            switch self {
            case .desiredRequest: resource.amount(in: change.desired.requests)
            case .desiredLimit: resource.amount(in: change.desired.limits)
            case .actualRequest: resource.amount(in: change.actual.requests)
            case .actualLimit: resource.amount(in: change.actual.limits)
            }
        }

        var description: String {
            switch self {
            case .desiredRequest: "desired request (spec)"
            case .desiredLimit: "desired limit (spec)"
            case .actualRequest: "actual request (status, else spec)"
            case .actualLimit: "actual limit (status, else spec)"
            }
        }
    }

    /// The points of one line, at the pod's changes.
    func points(_ line: Line) -> [StepPoint] {
        container.changes.map { StepPoint(at: $0.at, value: line.amount($0, resource)) }
    }

    private func path(_ line: Line) -> String {
        let visible = StepPath.visible(points(line), from: lifeStart, to: lifeEnd)
        let d = StepPath.path(visible, to: lifeEnd, x: x, y: y)
        guard !d.isEmpty else { return "" }
        let values = visible.compactMap(\.value).map(resource.text)
        return "<path class=\"step \(line.rawValue)\" data-changes=\"\(max(0, visible.count - 1))\" d=\"\(d)\">"
            + Markup.title("\(line.description): " + values.joined(separator: " → ")) + "</path>"
    }

    // MARK: - Recommendation

    private var recommendation: String {
        guard let vpa else { return "" }
        let series = vpa.series(for: container.name)
        func points(_ bound: (ContainerRecommendation) -> ResourceList) -> [StepPoint] {
            series.map { StepPoint(at: $0.at, value: $0.recommendation.flatMap { resource.amount(in: bound($0)) }) }
        }
        let lower = points(\.lowerBound), upper = points(\.upperBound)
        // The band: one rectangle per stretch where both bounds hold.
        var band = ""
        let times = Set((lower + upper).map(\.at)).filter { $0 > lifeStart && $0 <= lifeEnd }.sorted()
        var edges = [lifeStart] + times
        edges.append(lifeEnd)
        for index in 0..<(edges.count - 1) {
            let from = edges[index], to = edges[index + 1]
            guard to > from, let low = lower.last(where: { $0.at <= from })?.value,
                  let high = upper.last(where: { $0.at <= from })?.value else { continue }
            // Cut at the top of the panel (see `ResourceReport.largestAmount`).
            band += "M\(Markup.number(x.x(from))) \(Markup.number(y.y(min(high, y.maximum)))) H\(Markup.number(x.x(to))) "
                + "V\(Markup.number(y.y(min(low, y.maximum)))) H\(Markup.number(x.x(from))) Z "
        }
        var out = ""
        if !band.isEmpty {
            out += "<path class=\"band\" d=\"\(band.dropLast())\">"
                + Markup.title("recommendation of VPA \(vpa.observation.namespace)/\(vpa.observation.name): lower to upper bound"
                               + (upper.contains { ($0.value ?? 0) > y.maximum } ? " (cut at the top: the upper bound reached "
                                  + "\(resource.text(upper.compactMap(\.value).max()))" + ")" : ""))
                + "</path>"
        }
        let target = StepPath.visible(points(\.target), from: lifeStart, to: lifeEnd)
        let d = StepPath.path(target, to: lifeEnd, x: x, y: y)
        if !d.isEmpty {
            out += "<path class=\"step target\" data-changes=\"\(max(0, target.count - 1))\" d=\"\(d)\">"
                + Markup.title("recommendation target: " + target.compactMap(\.value).map(resource.text).joined(separator: " → "))
                + "</path>"
        }
        return out
    }

    // MARK: - Usage

    private var usage: String {
        let samples = container.usage.filter { $0.at >= lifeStart && $0.at <= lifeEnd }
        guard !samples.isEmpty else { return "" }
        // One point per pixel column, the highest: peaks are what a limit meets.
        var columns: [(x: Double, amount: Int64, at: Timestamp, window: Int64)] = []
        for sample in samples {
            let amount = resource == .cpu ? sample.cpuMillicores : sample.memoryBytes
            let column = x.x(sample.at).rounded()
            if let last = columns.last, last.x == column {
                if amount > last.amount { columns[columns.count - 1].amount = amount }
                columns[columns.count - 1].at = sample.at
            } else {
                columns.append((column, amount, sample.at, sample.windowMilliseconds))
            }
        }
        var d = ""
        // Samples with no neighbour to join are dots: a path of one point draws nothing.
        var dots = ""
        var run: [(x: Double, y: Double)] = []
        func endRun() {
            if run.count == 1 {
                dots += "<circle class=\"usage-point\" cx=\"\(Markup.number(run[0].x))\" cy=\"\(Markup.number(run[0].y))\" r=\"2\"/>"
            } else if run.count > 1 {
                d += (d.isEmpty ? "" : " ") + "M" + run.map { "\(Markup.number($0.x)) \(Markup.number($0.y))" }.joined(separator: " L")
            }
            run = []
        }
        var previous: Timestamp?
        // A gap of more than three windows, three minutes or three pixels is drawn as a gap.
        let pixel = Int64(Double(x.end.milliseconds(since: x.start)) / max(x.width, 1))
        for column in columns {
            let gap = max(3 * column.window, 180_000, 3 * pixel)
            if let previous, column.at.milliseconds(since: previous) > gap { endRun() }
            run.append((column.x, y.y(column.amount)))
            previous = column.at
        }
        endRun()
        let peak = samples.map { resource == .cpu ? $0.cpuMillicores : $0.memoryBytes }.max() ?? 0
        return "<g class=\"usage\" data-samples=\"\(samples.count)\">"
            + Markup.title("usage: \(counted(samples.count, "sample")), highest \(resource.text(peak))")
            + (d.isEmpty ? "" : "<path d=\"\(d)\"/>") + dots + "</g>"
    }

    // MARK: - Resize spans

    private var resizeSpans: String {
        var out = ""
        for span in pod.spans {
            let from = max(span.from, x.start)
            let to = min(span.to ?? lifeEnd, x.end)
            guard to >= from, from <= x.end else { continue }
            let left = x.x(from)
            // Two pixels at least: a resize of seconds in a window of days still shows.
            let width = max(2, x.x(to) - left)
            let end = span.to ?? lifeEnd
            var text = "#\(span.position) resize \(Self.stateName(span.state)) from \(span.from.rfc3339) "
                + (span.to == nil ? "(still at \(end.rfc3339))" : "to \(end.rfc3339)")
                + ", \(Durations.text(seconds: end.milliseconds(since: span.from) / 1000)), initiator \(span.initiator.rawValue)"
            if !span.reason.isEmpty { text += "; \(span.reason)" }
            if !span.message.isEmpty { text += ": \(span.message)" }
            text += ". " + Self.continuation(span.position)
            out += "<g class=\"span resize-\(span.state.rawValue)\" data-position=\"\(span.position)\" "
                + "data-initiator=\"\(span.initiator.rawValue)\">" + Markup.title(text)
                + "<rect x=\"\(Markup.number(left))\" y=\"\(Markup.number(y.top))\" width=\"\(Markup.number(width))\" "
                + "height=\"\(Markup.number(y.height))\"/>"
                + "<text class=\"initiator\" x=\"\(Markup.number(left + 1))\" y=\"\(Markup.number(y.top - 2))\">"
                + "\(span.initiator == .vpa ? "vpa" : span.initiator == .manual ? "manual" : "?")</text>"
            if let timedOut = timedOutAt(span), timedOut >= x.start, timedOut <= x.end {
                let at = x.x(timedOut)
                out += "<g class=\"timed-out\">" + Markup.title("timed out at \(timedOut.rfc3339): \(timeoutReason(span.state))")
                    + "<line x1=\"\(Markup.number(at))\" y1=\"\(Markup.number(y.top))\" x2=\"\(Markup.number(at))\" "
                    + "y2=\"\(Markup.number(y.bottom))\"/>"
                    + "<path d=\"M\(Markup.number(at - 4)) \(Markup.number(y.top)) h8 l-4 6 z\"/></g>"
            }
            out += "</g>"
        }
        return out
    }

    /// When the span passed its timeout (upstream's rule: longer than the limit; infeasible and
    /// error at once), or nil when it never did.
    func timedOutAt(_ span: PodHistory.ResizeSpan) -> Timestamp? {
        let end = span.to ?? lifeEnd
        if span.state == .pendingInfeasible || span.state == .inProgressError { return span.from }
        guard let limit = timeouts.limit(of: span.state) else { return nil }
        return end.duration(since: span.from) > limit ? span.from.advanced(by: limit) : nil
    }

    private func timeoutReason(_ state: ResizeState) -> String {
        switch state {
        case .pendingInfeasible: "infeasible: the updater evicts at once"
        case .inProgressError: "error: the updater evicts at once"
        case .pendingDeferred: "deferred longer than \(Durations.text(seconds: timeouts.deferred.wholeMilliseconds / 1000))"
        default: "in progress longer than \(Durations.text(seconds: timeouts.inProgress.wholeMilliseconds / 1000))"
        }
    }

    /// `deferred`, `infeasible`, `in progress`, `error`.
    static func stateName(_ state: ResizeState) -> String {
        switch state {
        case .pendingDeferred: "pending_deferred"
        case .pendingInfeasible: "pending_infeasible"
        case .inProgress: "in_progress"
        case .inProgressError: "error (in_progress_error)"
        case .none, .completed: state.rawValue
        }
    }

    /// How to read the event a mark stands for.
    static func continuation(_ position: Int64) -> String {
        "Log position \(position): vpa-store query events --from-position \(position) --limit 1"
    }

    // MARK: - Marks

    private var oomMarks: String {
        var out = ""
        for mark in container.oomKills where mark.kill.at >= x.start && mark.kill.at <= x.end {
            let at = x.x(mark.kill.at)
            out += "<g class=\"mark oom\" data-position=\"\(mark.position)\">"
                + Markup.title("#\(mark.position) OomKilled: \(mark.summary). " + Self.continuation(mark.position))
                + "<line x1=\"\(Markup.number(at))\" y1=\"\(Markup.number(y.top))\" x2=\"\(Markup.number(at))\" "
                + "y2=\"\(Markup.number(y.bottom))\"/>"
                + "<path class=\"symbol\" d=\"M\(Markup.number(at - 5)) \(Markup.number(y.top - 10)) h10 l-5 9 z\"/>"
            if resource == .memory {
                out += atKill(at, request: mark.kill.memoryRequestBytes, limit: mark.kill.memoryLimitBytes)
            }
            out += "</g>"
        }
        return out
    }

    private var evictionMarks: String {
        var out = ""
        for mark in pod.evictions where mark.at >= x.start && mark.at <= x.end {
            let at = x.x(mark.at)
            let actual = container.change(at: mark.at)?.actual
            var text = "#\(mark.position) \(mark.byUpdater ? "UpdaterDecision" : "EvictionObserved"): \(mark.summary)"
            text += ". Memory of \(container.name) at the eviction: request \(Quantities.memory(actual?.requests.memoryBytes)), "
                + "limit \(Quantities.memory(actual?.limits.memoryBytes)). " + Self.continuation(mark.position)
            out += "<g class=\"mark eviction\" data-position=\"\(mark.position)\">" + Markup.title(text)
                + "<line x1=\"\(Markup.number(at))\" y1=\"\(Markup.number(y.top))\" x2=\"\(Markup.number(at))\" "
                + "y2=\"\(Markup.number(y.bottom))\"/>"
                + "<path class=\"symbol\" d=\"M\(Markup.number(at)) \(Markup.number(y.bottom - 12)) l5 6 l-5 6 l-5 -6 z\"/>"
            if resource == .memory {
                out += atKill(at, request: actual?.requests.memoryBytes, limit: actual?.limits.memoryBytes)
            }
            out += "</g>"
        }
        return out
    }

    /// Dots at the memory request and limit a kill or eviction met.
    private func atKill(_ at: Double, request: Int64?, limit: Int64?) -> String {
        var out = ""
        if let request {
            out += "<circle class=\"at-kill request\" cx=\"\(Markup.number(at))\" cy=\"\(Markup.number(y.y(request)))\" r=\"3\"/>"
        }
        if let limit {
            out += "<circle class=\"at-kill limit\" cx=\"\(Markup.number(at))\" cy=\"\(Markup.number(y.y(limit)))\" r=\"3\"/>"
        }
        return out
    }

    // MARK: - Frame

    /// Where the pod did not exist (before its first observation, after its deletion) is greyed.
    private var absence: String {
        var out = ""
        if lifeStart > x.start {
            out += "<rect class=\"absent\" x=\"\(Markup.number(x.left))\" y=\"\(Markup.number(y.top))\" "
                + "width=\"\(Markup.number(x.x(lifeStart) - x.left))\" height=\"\(Markup.number(y.height))\">"
                + Markup.title("pod first observed at \(pod.firstSeen.rfc3339)") + "</rect>"
        }
        if let deleted = pod.deletedAt, deleted < x.end {
            let left = x.x(max(deleted, x.start))
            out += "<rect class=\"absent\" x=\"\(Markup.number(left))\" y=\"\(Markup.number(y.top))\" "
                + "width=\"\(Markup.number(x.left + x.width - left))\" height=\"\(Markup.number(y.height))\">"
                + Markup.title("pod deleted at \(deleted.rfc3339)") + "</rect>"
        }
        return out
    }

    private var grid: String {
        var out = "<g class=\"y-axis\">"
        for tick in y.ticks {
            let at = Markup.number(y.y(tick.amount))
            out += "<line x1=\"\(Markup.number(x.left))\" y1=\"\(at)\" x2=\"\(Markup.number(x.left + x.width))\" y2=\"\(at)\"/>"
                + "<text x=\"\(Markup.number(x.left - 4))\" y=\"\(at)\" data-amount=\"\(tick.amount)\">\(Markup.escape(tick.label))</text>"
        }
        return out + "</g>"
    }

    private var timeAxis: String {
        var out = "<g class=\"x-axis\">"
        let top = LaneGeometry.stripTop + LaneGeometry.stripHeight
        for tick in x.ticks() {
            let at = Markup.number(x.x(tick.time))
            out += "<line x1=\"\(at)\" y1=\"\(Markup.number(y.bottom))\" x2=\"\(at)\" y2=\"\(Markup.number(top + 3))\"/>"
                + "<text x=\"\(at)\" y=\"\(Markup.number(top + 14))\" data-ms=\"\(tick.time.unixMilliseconds)\">"
                + "\(Markup.escape(tick.label))</text>"
        }
        return out + "</g>"
    }

    /// Under the plot: where the actual values came from, stretch by stretch.
    private var sourceStrip: String {
        var out = ""
        let changes = container.changes
        for (index, change) in changes.enumerated() {
            let from = max(change.at, lifeStart)
            let to = min(index + 1 < changes.count ? changes[index + 1].at : lifeEnd, lifeEnd)
            guard to > from else { continue }
            let what: String
            switch change.source {
            case .status: what = "actual values from the container status (what the kubelet enacted)"
            case .specFallback: what = "actual values from the spec (spec_fallback): the container status had no resources"
            case .spec: what = "actual values from the spec: in-place reads were off"
            }
            out += "<rect class=\"source source-\(change.source.rawValue)\" x=\"\(Markup.number(x.x(from)))\" "
                + "y=\"\(Markup.number(LaneGeometry.stripTop))\" width=\"\(Markup.number(x.x(to) - x.x(from)))\" "
                + "height=\"\(Markup.number(LaneGeometry.stripHeight))\">"
                + Markup.title("\(what), from \(change.at.rfc3339) (#\(change.position))") + "</rect>"
        }
        return out
    }
}
