/// Durations as Go's `time.Duration.String` writes them (`5m0s`, `6m12s`, `1h0m0.001s`, `250ms`):
/// what Kubernetes objects (a PodMetrics `window`) and upstream's logs show.
public enum GoDuration {
    /// `milliseconds` as Go writes a duration.
    public static func string(milliseconds: Int64) -> String {
        if milliseconds < 0 { return "-" + string(milliseconds: milliseconds == .min ? .max : -milliseconds) }
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
}
