import VPAModel

// Time arithmetic that cannot trap. Timestamps come from observed objects, so an absurd value
// (near `Int64.min` or `Int64.max`) must saturate rather than overflow.

extension Int64 {
    /// `self + other`, clamped to the representable range.
    func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to the representable range.
    func subtractingSaturating(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self × factor`, clamped to the representable range.
    func multipliedSaturating(by factor: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: factor)
        guard overflow else { return product }
        return (self < 0) == (factor < 0) ? .max : .min
    }
}

extension Timestamp {
    /// This time moved by `milliseconds` (negative moves back), saturating.
    func advanced(byMilliseconds milliseconds: Int64) -> Timestamp {
        Timestamp(unixMilliseconds: unixMilliseconds.addingSaturating(milliseconds))
    }

    /// Milliseconds from `earlier` to `self`, saturating.
    func saturatingMilliseconds(since earlier: Timestamp) -> Int64 {
        unixMilliseconds.subtractingSaturating(earlier.unixMilliseconds)
    }
}

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
