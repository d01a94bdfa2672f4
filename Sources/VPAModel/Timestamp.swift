/// A point in time, in whole milliseconds since the Unix epoch (UTC).
///
/// The store keeps every time this way (occurred-at, recorded-at, `since`), so ordering and
/// arithmetic are integer operations and nothing depends on a time zone.
///
/// Times from outside (the wire, files) are checked at decoding to lie in `Timestamp.validRange`,
/// the years RFC 3339 can write; arithmetic here saturates anyway, so a value stored before that
/// check existed is served, never trapped on.
public struct Timestamp: Hashable, Comparable, Sendable, Codable {
    public var unixMilliseconds: Int64

    public init(unixMilliseconds: Int64) {
        self.unixMilliseconds = unixMilliseconds
    }

    /// 0000-01-01T00:00:00Z through 9999-12-31T23:59:59.999Z: every time RFC 3339 can write, and a
    /// range in which any difference of two times, or a time plus a duration of
    /// `Timestamp.maximumDurationMilliseconds`, fits in 64 bits.
    public static let validRange: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// The longest duration (a timeout, an interval, a window) accepted from outside: the span of
    /// `validRange`.
    public static let maximumDurationMilliseconds: Int64 = validRange.upperBound - validRange.lowerBound

    /// Whether this time lies in `validRange`.
    public var isInValidRange: Bool { Self.validRange.contains(unixMilliseconds) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.unixMilliseconds < rhs.unixMilliseconds
    }

    /// Milliseconds from `earlier` to `self` (negative when `earlier` is later), saturating at the
    /// ends of `Int64` rather than trapping.
    public func milliseconds(since earlier: Timestamp) -> Int64 {
        unixMilliseconds.subtractingSaturating(earlier.unixMilliseconds)
    }

    /// The time from `earlier` to `self`, as `milliseconds(since:)`.
    public func duration(since earlier: Timestamp) -> Duration {
        .milliseconds(milliseconds(since: earlier))
    }

    /// This time moved by `duration` (whole milliseconds; negative moves back), saturating.
    public func advanced(by duration: Duration) -> Timestamp {
        advanced(byMilliseconds: duration.wholeMilliseconds)
    }

    /// This time moved by `milliseconds` (negative moves back), saturating.
    public func advanced(byMilliseconds milliseconds: Int64) -> Timestamp {
        Timestamp(unixMilliseconds: unixMilliseconds.addingSaturating(milliseconds))
    }
}

// Integer arithmetic that cannot trap, for values that came from outside: an absurd one (near
// `Int64.min` or `Int64.max`) saturates instead of stopping the process.
extension Int64 {
    /// `self + other`, clamped to the representable range.
    public func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to the representable range.
    public func subtractingSaturating(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self × factor`, clamped to the representable range.
    public func multipliedSaturating(by factor: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: factor)
        guard overflow else { return product }
        return (self < 0) == (factor < 0) ? .max : .min
    }
}
