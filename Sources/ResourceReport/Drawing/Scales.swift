import VPAModel

/// Where a time falls across a panel: UTC times, left to right.
public struct TimeScale: Sendable {
    public let start: Timestamp
    public let end: Timestamp
    /// The x of `start`.
    public let left: Double
    /// From `start` to `end`, in pixels.
    public let width: Double

    public init(start: Timestamp, end: Timestamp, left: Double, width: Double) {
        self.start = start
        self.end = end
        self.left = left
        self.width = width
    }

    /// The x of `time` (outside the panel for times outside the window).
    public func x(_ time: Timestamp) -> Double {
        let span = Double(end.milliseconds(since: start))
        guard span > 0 else { return left }
        return left + Double(time.milliseconds(since: start)) / span * width
    }

    /// Candidate distances between ticks, in milliseconds: round numbers of seconds, minutes, hours, days.
    static let steps: [Int64] = [1, 2, 5, 10, 15, 30].map { $0 * 1000 } + [1, 2, 5, 10, 15, 30].map { $0 * 60_000 }
        + [1, 2, 3, 6, 12].map { $0 * 3_600_000 } + [1, 2, 7, 14, 30, 91, 365].map { $0 * 86_400_000 }

    /// The ticks: at most `maximumCount`, at whole multiples of a round step counted from the Unix
    /// epoch (so hours and days fall on UTC hours and midnights), each with its label. A label
    /// carries the date at the first tick and wherever the day changes (`12-05 00:00`), the time
    /// alone otherwise (`06:00`; `06:00:30` for steps under a minute), the date alone for steps of
    /// a day or more (`2026-12-05`).
    public func ticks(maximumCount: Int = 8) -> [(time: Timestamp, label: String)] {
        let span = end.milliseconds(since: start)
        // Past the largest round step (a year), whole years, so a window of centuries from a
        // `/report?since=` still gives at most `maximumCount` ticks.
        let largest = Self.steps[Self.steps.count - 1]
        let step = Self.steps.first { span / $0 < Int64(maximumCount) } ?? largest * (span / largest / Int64(max(1, maximumCount)) + 1)
        var first = start.unixMilliseconds / step * step
        if first < start.unixMilliseconds { first += step }
        var ticks: [(Timestamp, String)] = []
        var previousDay: Substring?
        var tick = first
        while tick <= end.unixMilliseconds {
            let text = Timestamp(unixMilliseconds: tick).rfc3339
            let parts = text.split(separator: "T")
            let day = parts[0]
            let clock = parts.count > 1 ? parts[1].prefix(step < 60_000 ? 8 : 5) : ""
            let label: String
            if step >= 86_400_000 {
                label = String(day)
            } else if previousDay != day {
                label = "\(day.dropFirst(5)) \(clock)"
            } else {
                label = String(clock)
            }
            previousDay = day
            ticks.append((Timestamp(unixMilliseconds: tick), label))
            let (next, overflow) = tick.addingReportingOverflow(step)
            if overflow { break }
            tick = next
        }
        return ticks
    }
}

/// Where an amount of a resource falls up a panel: 0 at the bottom, a round maximum at the top.
public struct QuantityScale: Sendable {
    public let resource: ReportResource
    /// The amount at the top: the smallest whole number of steps at or above the largest value plus headroom.
    public let maximum: Int64
    /// The distance between ticks.
    public let step: Int64
    /// The y of `maximum`.
    public let top: Double
    /// From 0 to `maximum`, in pixels.
    public let height: Double

    /// A scale whose top is at or above `largest` (millicores or bytes) with 5% headroom, in at most
    /// five round steps: 1, 2, 2.5 or 5 times a power of ten millicores for CPU, a power of two
    /// bytes for memory (so ticks read `256Mi`, `512Mi`, `1Gi`).
    public init(resource: ReportResource, largest: Int64, top: Double, height: Double) {
        self.resource = resource
        self.top = top
        self.height = height
        let fallback: Int64 = resource == .cpu ? 1000 : 1 << 30
        let wanted = largest <= 0 ? fallback : largest > Int64.max / 2 ? largest : largest + largest / 20
        let steps = resource == .cpu ? Self.cpuSteps : Self.memorySteps
        let step = steps.first { Self.count(wanted, $0) <= 5 } ?? steps[steps.count - 1]
        self.step = step
        let count = max(1, Self.count(wanted, step))
        maximum = count.multipliedReportingOverflow(by: step).overflow ? Int64.max : count * step
    }

    /// 1, 2, 2.5 and 5 times powers of ten, in millicores.
    static let cpuSteps: [Int64] = (0...15).flatMap { power -> [Int64] in
        let scale = (0..<power).reduce(Int64(1)) { value, _ in value * 10 }
        return power == 0 ? [1, 2, 5] : [scale, 2 * scale, scale / 2 * 5, 5 * scale]
    }

    /// How many `step`s reach `amount` (rounded up, without overflow).
    private static func count(_ amount: Int64, _ step: Int64) -> Int64 {
        amount / step + (amount % step == 0 ? 0 : 1)
    }

    /// Powers of two, in bytes.
    static let memorySteps: [Int64] = (0...61).map { Int64(1) << $0 }

    /// The y of `amount` (0 at the bottom).
    public func y(_ amount: Int64) -> Double {
        top + height - Double(min(max(amount, 0), maximum)) / Double(maximum) * height
    }

    /// The y of the bottom (0).
    public var bottom: Double { top + height }

    /// The ticks from 0 to the maximum, labelled as the tables print amounts (`250m`, `1`, `512Mi`, `1Gi`).
    public var ticks: [(amount: Int64, label: String)] {
        (0...(maximum / step)).map { Int64($0) * step }.map { ($0, resource.text($0)) }
    }
}
