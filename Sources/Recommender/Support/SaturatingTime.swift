import VPAModel

// Duration conversions that cannot trap; the saturating Int64 and Timestamp arithmetic is VPAModel's.

extension Duration {
    /// The duration in whole milliseconds (truncated), saturating.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        return milliseconds.addingSaturating(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in milliseconds, at least 1: used where upstream divides by the duration.
    var positiveMilliseconds: Int64 {
        Swift.max(1, wholeMilliseconds)
    }
}
