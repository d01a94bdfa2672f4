/// Durations as people and Kubernetes write them: `90s`, `5m`, `1h30m`, `250ms`, `2d`, and Go's
/// `time.Duration.String()` form (`24h0m0s`, which upstream VPA's flag values use). One parser for
/// every command-line flag and for the metrics API's `window`.
public enum DurationParser {
    /// The duration `text` names. Units: `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`, `d`; parts add up.
    ///
    /// - Parameter allowingFractions: accept `1.5s` (Go prints fractional seconds, e.g. a metrics
    ///   window `1m0.5s`); command-line flags take whole numbers only.
    /// - Throws: `DurationSyntaxError` when a part has no number, no unit or an unknown unit, or the
    ///   duration is too long to represent.
    public static func parse(_ text: String, allowingFractions: Bool = false) throws(DurationSyntaxError) -> Duration {
        // Longest units first, so "ms" is not read as "m" followed by "s".
        let units: [(String, Int64)] = [("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
                                        ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000)]
        var rest = Substring(text)
        guard !rest.isEmpty else { throw DurationSyntaxError(text: text) }
        var nanoseconds: Int64 = 0
        while !rest.isEmpty {
            let number = rest.prefix { ($0.isASCII && $0.isNumber) || (allowingFractions && $0 == ".") }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }), let value = Double(number), !number.isEmpty else {
                throw DurationSyntaxError(text: text)
            }
            rest = rest.dropFirst(unit.0.count)
            let part = value * Double(unit.1)
            guard part < Double(Int64.max) else { throw DurationSyntaxError(text: text) }
            let (sum, overflow) = nanoseconds.addingReportingOverflow(Int64(part))
            guard !overflow else { throw DurationSyntaxError(text: text) }
            nanoseconds = sum
        }
        return .nanoseconds(nanoseconds)
    }

    /// `parse` in whole milliseconds (rounded down).
    public static func milliseconds(_ text: String, allowingFractions: Bool = false) throws(DurationSyntaxError) -> Int64 {
        try parse(text, allowingFractions: allowingFractions).wholeMilliseconds
    }
}

extension Duration {
    /// The duration in seconds, fractions included (for rates and printing).
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds (rounded toward zero), saturating: the one conversion to
    /// the `_ms` integers of the wire, the database and the upstream rules.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        return milliseconds.addingSaturating(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in whole nanoseconds (rounded toward zero), saturating: for timers and latencies.
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return nanoseconds.addingSaturating(attoseconds / 1_000_000_000)
    }
}

/// A duration that could not be read.
public struct DurationSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text given.
    public var text: String

    public init(text: String) {
        self.text = text
    }

    public var description: String {
        "\"\(text)\" is not a duration: write numbers with units (ms, s, m, h, d), such as 90s, 5m, 1h30m or 24h"
    }
}
