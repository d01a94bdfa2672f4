import VPAModel

/// Durations and fractions in reasons, written as Go's `time.Duration.String` writes them
/// (`5m0s`, `6m12s`, `1h0m0.001s`, `250ms`), so they read like upstream's logs.
enum DurationText {
    /// `milliseconds` as Go writes a duration.
    static func format(milliseconds: Int64) -> String {
        GoDuration.string(milliseconds: milliseconds)
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
