import Foundation
import VPAModel

/// A Kubernetes `MicroTime`: an instant with microsecond precision, written as RFC 3339 with six
/// fractional digits in UTC (`2026-11-02T09:00:00.123456Z`), as a Lease's `acquireTime` and
/// `renewTime` are.
public struct MicroTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var unixMicroseconds: Int64

    /// The instants RFC 3339 can write: years 0001 to 9999.
    public static let validRange: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999

    /// The instant `unixMicroseconds` after the epoch, clamped into `validRange`.
    public init(unixMicroseconds: Int64) {
        self.unixMicroseconds = min(max(unixMicroseconds, Self.validRange.lowerBound), Self.validRange.upperBound)
    }

    /// The machine's wall clock now.
    public static var now: MicroTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return MicroTime(unixMicroseconds: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000)
    }

    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool { lhs.unixMicroseconds < rhs.unixMicroseconds }

    /// `2026-11-02T09:00:00.123456Z`.
    public var description: String {
        let seconds = unixMicroseconds.floorDivided(by: 1_000_000)
        let micros = unixMicroseconds - seconds * 1_000_000
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        return "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T\(Self.pad(secondOfDay / 3600, 2)):"
            + "\(Self.pad(secondOfDay / 60 % 60, 2)):\(Self.pad(secondOfDay % 60, 2)).\(Self.pad(micros, 6))Z"
    }

    /// The time to the second, as a Kubernetes `Time` (a condition's `lastTransitionTime`) is
    /// written: `2026-11-02T09:00:00Z`.
    public var rfc3339Seconds: String {
        let text = description
        return String(text.prefix(19)) + "Z"
    }

    /// Reads an RFC 3339 time as the API server writes it (`…Z` or `…+02:00`, with or without a
    /// fraction; digits past the sixth are dropped). Nil when `text` is not one, or is outside
    /// years 0001–9999.
    public init?(rfc3339 text: String) {
        // Timestamp's RFC 3339 reader, to the microsecond.
        guard let parsed = Timestamp.rfc3339Parts(text, fractionDigits: 6) else { return nil }
        let value = parsed.seconds * 1_000_000 + parsed.fraction
        guard Self.validRange.contains(value) else { return nil }
        self.unixMicroseconds = value
    }

    /// The instant `duration` later (saturating at the ends of `validRange`).
    public func advanced(by duration: Duration) -> MicroTime {
        let (seconds, attoseconds) = duration.components
        let micros = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !micros.overflow else { return MicroTime(unixMicroseconds: seconds < 0 ? .min : .max) }
        let sum = unixMicroseconds.addingReportingOverflow(micros.partialValue + attoseconds / 1_000_000_000_000)
        return MicroTime(unixMicroseconds: sum.overflow ? (seconds < 0 ? .min : .max) : sum.partialValue)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so times before 1970 split into days correctly.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
