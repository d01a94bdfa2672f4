#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long operations, shown on standard error only when it is a terminal.
enum Progress {
    /// A callback printing `label done/total` over itself.
    static func reporter(label: String) -> (Int64, Int64) -> Void {
        guard standardErrorIsTerminal else { return { _, _ in } }
        return { done, total in
            writeToStandardError("\r\(label) \(done)/\(total) events")
        }
    }

    /// Ends the progress line.
    static func finish() {
        if standardErrorIsTerminal { writeToStandardError("\r\u{1B}[K") }
    }

    static func format(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// Seconds on a monotonic clock, for reporting how long something took.
enum MonotonicClock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func seconds(since start: Double) -> Double { now() - start }
}
