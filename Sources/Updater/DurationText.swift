/// Durations and fractions in reasons, written as Go's `time.Duration.String` writes them
/// (`5m0s`, `6m12s`, `1h0m0.001s`, `250ms`), so they read like upstream's logs.
enum DurationText {
    /// `milliseconds` as Go writes a duration.
    static func format(milliseconds: Int64) -> String {
        if milliseconds < 0 { return "-" + format(milliseconds: -milliseconds) }
        if milliseconds == 0 { return "0s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let seconds = milliseconds / 1000 % 60
        let millis = milliseconds % 1000
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        text += "\(seconds)"
        if millis > 0 {
            var fraction = String(millis)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "s"
    }

    /// A non-negative fraction with two decimals (`0.35`, `1.00`).
    static func format(fraction: Double) -> String {
        // Past this, hundredths would not fit an Int; such a change needs no precision.
        guard fraction < 1e15 else { return "\(fraction)" }
        let hundredths = Int((fraction * 100).rounded())
        let cents = hundredths % 100
        return "\(hundredths / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }
}
