/// The page's style sheet and legend: inline, so the file needs nothing from anywhere else (no
/// script, no font, no image).
enum ReportStyle {
    /// Written without `<` or `&`, so it stays valid XML text.
    static let css = """
        body { font-family: sans-serif; margin: 16px; color: #222; background: #fff; }
        h1 { font-size: 20px; margin: 0 0 4px 0; }
        h2 { font-size: 16px; margin: 20px 0 4px 0; border-bottom: 1px solid #ccc; }
        h3 { font-size: 13px; margin: 10px 0 2px 0; }
        p.meta { font-size: 12px; color: #444; margin: 2px 0; }
        p.empty { font-size: 14px; padding: 12px; background: #f6f6f6; border: 1px solid #ddd; }
        ul.legend { list-style: none; padding: 0; margin: 8px 0; font-size: 11px; max-width: 960px; }
        ul.legend li { display: inline-block; margin: 0 12px 4px 0; }
        ul.legend svg { vertical-align: middle; }
        figure.lane { margin: 0 0 4px 0; }
        figcaption { font-size: 11px; color: #555; }
        svg text { font-size: 10px; fill: #444; }
        .plot { fill: #fcfcfc; stroke: #bbb; }
        .absent { fill: #e4e4e4; }
        .y-axis line { stroke: #eee; }
        .y-axis text { text-anchor: end; dominant-baseline: middle; }
        .x-axis line { stroke: #999; }
        .x-axis text { text-anchor: middle; }
        .step { fill: none; }
        .desired-request { stroke: #1f5fbf; stroke-width: 1.5; stroke-dasharray: 6 3; }
        .actual-request { stroke: #1f5fbf; stroke-width: 2.5; }
        .desired-limit { stroke: #c0392b; stroke-width: 1.5; stroke-dasharray: 6 3; }
        .actual-limit { stroke: #c0392b; stroke-width: 2.5; }
        .target { stroke: #d35400; stroke-width: 1.5; }
        .band { fill: #f39c12; fill-opacity: 0.2; stroke: none; }
        .usage path { fill: none; stroke: #27ae60; stroke-width: 1; }
        .usage-point { fill: #27ae60; }
        .resize-pending_deferred rect { fill: #f1c40f; fill-opacity: 0.4; }
        .resize-pending_infeasible rect { fill: #e74c3c; fill-opacity: 0.3; }
        .resize-in_progress rect { fill: #3498db; fill-opacity: 0.3; }
        .resize-in_progress_error rect { fill: #8e44ad; fill-opacity: 0.4; }
        text.initiator { font-size: 8px; fill: #555; }
        .timed-out line { stroke: #b03a2e; stroke-dasharray: 2 2; }
        .timed-out path { fill: #b03a2e; }
        .oom line { stroke: #d0021b; stroke-width: 1.2; }
        .oom .symbol { fill: #d0021b; }
        .eviction line { stroke: #333; stroke-dasharray: 3 2; }
        .eviction .symbol { fill: #333; }
        .at-kill { fill: #fff; stroke-width: 1.5; }
        .at-kill.request { stroke: #1f5fbf; }
        .at-kill.limit { stroke: #c0392b; }
        .source-status { fill: #27ae60; }
        .source-spec_fallback { fill: #e67e22; }
        .source-spec { fill: #95a5a6; }
        table.marks { border-collapse: collapse; font-size: 11px; margin: 8px 0; max-width: 960px; }
        table.marks th, table.marks td { border-bottom: 1px solid #eee; padding: 2px 6px; text-align: left; vertical-align: top; }
        table.marks td.position { font-family: monospace; }
        """

    /// One legend entry: a swatch (SVG drawn in a 28×12 box) and what it means.
    private static func entry(_ swatch: String, _ text: String) -> String {
        "<li><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"28\" height=\"12\" viewBox=\"0 0 28 12\">\(swatch)</svg> "
            + "\(Markup.escape(text))</li>"
    }

    static var legend: String {
        var out = "<ul class=\"legend\">"
        out += entry("<path class=\"step desired-request\" d=\"M1 6 H27\"/>", "desired request (spec)")
        out += entry("<path class=\"step actual-request\" d=\"M1 6 H27\"/>", "actual request (status)")
        out += entry("<path class=\"step desired-limit\" d=\"M1 6 H27\"/>", "desired limit (spec)")
        out += entry("<path class=\"step actual-limit\" d=\"M1 6 H27\"/>", "actual limit (status)")
        out += entry("<g class=\"usage\"><path d=\"M1 9 L7 4 L13 7 L19 2 L27 6\"/></g>", "usage")
        out += entry("<rect class=\"band\" x=\"1\" y=\"1\" width=\"26\" height=\"10\"/><path class=\"step target\" d=\"M1 6 H27\"/>",
                     "recommendation: target, lower to upper bound")
        for (state, text) in [("pending_deferred", "resize deferred"), ("pending_infeasible", "resize infeasible"),
                              ("in_progress", "resize in progress"), ("in_progress_error", "resize error")] {
            out += entry("<g class=\"resize-\(state)\"><rect x=\"1\" y=\"1\" width=\"26\" height=\"10\"/></g>", text)
        }
        out += entry("<text class=\"initiator\" x=\"1\" y=\"9\">vpa</text>", "who asked for the resize (vpa, manual)")
        out += entry("<g class=\"timed-out\"><line x1=\"14\" y1=\"0\" x2=\"14\" y2=\"12\"/><path d=\"M10 0 h8 l-4 6 z\"/></g>",
                     "resize timed out")
        out += entry("<g class=\"oom\"><line x1=\"14\" y1=\"0\" x2=\"14\" y2=\"12\"/><path class=\"symbol\" d=\"M9 0 h10 l-5 9 z\"/></g>",
                     "OOM kill")
        out += entry("<g class=\"eviction\"><line x1=\"14\" y1=\"0\" x2=\"14\" y2=\"12\"/><path class=\"symbol\" d=\"M14 0 l5 6 l-5 6 l-5 -6 z\"/></g>",
                     "eviction")
        out += entry("<circle class=\"at-kill request\" cx=\"8\" cy=\"6\" r=\"3\"/><circle class=\"at-kill limit\" cx=\"20\" cy=\"6\" r=\"3\"/>",
                     "memory request and limit at a kill or eviction")
        out += entry("<rect class=\"source source-status\" x=\"1\" y=\"4\" width=\"26\" height=\"5\"/>", "actual from status")
        out += entry("<rect class=\"source source-spec_fallback\" x=\"1\" y=\"4\" width=\"26\" height=\"5\"/>",
                     "actual from spec (spec_fallback)")
        out += entry("<rect class=\"source source-spec\" x=\"1\" y=\"4\" width=\"26\" height=\"5\"/>", "actual from spec (in-place off)")
        out += entry("<rect class=\"absent\" x=\"1\" y=\"1\" width=\"26\" height=\"10\"/>", "pod not alive")
        return out + "</ul>"
    }
}
