/// A point in time, in whole milliseconds since the Unix epoch (UTC).
///
/// The store keeps every time this way (occurred-at, recorded-at, `since`), so ordering and
/// arithmetic are integer operations and nothing depends on a time zone.
public struct Timestamp: Hashable, Comparable, Sendable, Codable {
    public var unixMilliseconds: Int64

    public init(unixMilliseconds: Int64) {
        self.unixMilliseconds = unixMilliseconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.unixMilliseconds < rhs.unixMilliseconds
    }

    /// Milliseconds from `earlier` to `self` (negative when `earlier` is later).
    public func milliseconds(since earlier: Timestamp) -> Int64 {
        unixMilliseconds - earlier.unixMilliseconds
    }
}
