import VPAModel

/// A value that holds from `at` until the next point's time: a request or limit, a bound.
struct StepPoint: Equatable {
    var at: Timestamp
    var value: Int64?
}

enum StepPath {
    /// The points that draw `points` between `from` and `to`: the value in effect at `from` (moved
    /// to `from`), then each change inside the window; a point whose value equals the one before is
    /// not a change and is dropped.
    static func visible(_ points: [StepPoint], from: Timestamp, to: Timestamp) -> [StepPoint] {
        var result: [StepPoint] = []
        if let initial = points.last(where: { $0.at <= from }), initial.value != nil {
            result.append(StepPoint(at: from, value: initial.value))
        }
        for point in points where point.at > from && point.at <= to {
            if let last = result.last {
                if last.value == point.value { continue }
            } else if point.value == nil {
                continue
            }
            result.append(point)
        }
        return result
    }

    /// An SVG path of horizontal and vertical lines only: `M x y` where a value starts, `H x` to
    /// where it ends, `V y` at each change to another value; an unset value lifts the pen. So a
    /// step is exactly one `V`, at the x of the change.
    static func path(_ points: [StepPoint], to: Timestamp, x: TimeScale, y: QuantityScale) -> String {
        var d = ""
        var penDown = false
        for (index, point) in points.enumerated() {
            guard let value = point.value else {
                penDown = false
                continue
            }
            let next = index + 1 < points.count ? points[index + 1].at : to
            if penDown {
                d += " V\(Markup.number(y.y(value)))"
            } else {
                d += (d.isEmpty ? "" : " ") + "M\(Markup.number(x.x(point.at))) \(Markup.number(y.y(value)))"
                penDown = true
            }
            d += " H\(Markup.number(x.x(next)))"
        }
        return d
    }
}
