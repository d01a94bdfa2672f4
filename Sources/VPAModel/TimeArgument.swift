extension Timestamp {
    /// What a time argument accepts (`--since`, `--at`, `/report?since=`), for help texts and errors.
    public static let argumentGrammar = "RFC 3339 (2026-11-02T09:00:00Z), a date (2026-11-02: midnight UTC) or how long ago (2h, 30m, 1d12h)"

    /// A time as people type one: RFC 3339 (`2026-11-02T09:00:00Z`), a date alone (`2026-11-02`,
    /// midnight UTC), or a duration (`2h`, `30m`, `1d12h`) meaning that long before `now`; nil for
    /// anything else.
    public init?(argument text: String, now: Timestamp) {
        if let time = try? Timestamp(rfc3339: text) {
            self = time
        } else if Self.isDate(text), let midnight = try? Timestamp(rfc3339: text + "T00:00:00Z") {
            self = midnight
        } else if let ago = try? DurationParser.milliseconds(text) {
            // A duration fits Int64 nanoseconds (under 293 years), so the time stays well inside the
            // years RFC 3339 can write.
            self = now.advanced(byMilliseconds: -ago)
        } else {
            return nil
        }
    }

    /// `YYYY-MM-DD`, digits only (the calendar check is the RFC 3339 parser's).
    private static func isDate(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        guard characters.count == 10 else { return false }
        return characters.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
