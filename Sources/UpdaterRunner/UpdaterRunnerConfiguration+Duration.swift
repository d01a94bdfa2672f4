extension UpdaterRunnerConfiguration {
    /// The duration `text` names, as the command line takes durations: `90s`, `5m`, `1h30m`,
    /// `24h0m0s` (Go's `time.Duration.String`, so upstream's flag values work), `250ms`, `2d`.
    ///
    /// - Throws: `DurationSyntaxError` when a part has no number, no unit or an unknown unit, or the
    ///   duration is too long to represent.
    public static func duration(parsing text: String) throws(DurationSyntaxError) -> Duration {
        var total: Duration = .zero
        var digits = ""
        var unit = ""
        func flush() throws(DurationSyntaxError) {
            guard let number = Int64(digits) else { throw DurationSyntaxError(text: text) }
            let millisecondsPerUnit: Int64
            switch unit {
            case "ms": millisecondsPerUnit = 1
            case "s": millisecondsPerUnit = 1000
            case "m": millisecondsPerUnit = 60_000
            case "h": millisecondsPerUnit = 3_600_000
            case "d": millisecondsPerUnit = 86_400_000
            default: throw DurationSyntaxError(text: text)
            }
            let (milliseconds, overflow) = number.multipliedReportingOverflow(by: millisecondsPerUnit)
            guard !overflow else { throw DurationSyntaxError(text: text) }
            total += .milliseconds(milliseconds)
            digits = ""
            unit = ""
        }
        for character in text {
            if character.isASCII && character.isNumber {
                if !unit.isEmpty { try flush() }
                digits.append(character)
            } else {
                unit.append(character)
            }
        }
        try flush()
        return total
    }

    /// A duration that could not be read.
    public struct DurationSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The text given.
        public var text: String

        public var description: String {
            "\"\(text)\" is not a duration: write numbers with units (ms, s, m, h, d), such as 90s, 5m, 1h30m or 24h"
        }
    }
}
