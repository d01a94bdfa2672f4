import VPAModel

/// How much CPU and memory a container uses over time.
///
/// Usage is a function of the simulated time, the container's own start (memory grows from a
/// restart) and a per-container noise value in `-1 ... 1`, so it can be read at any instant without
/// moving the scenario's random sequence.
public enum UsagePattern: Hashable, Sendable {
    /// Constant usage with relative noise (`0.05` = ±5%).
    case steady(cpuMillicores: Int64, memoryBytes: Int64, noise: Double = 0.05)
    /// A sinusoid over 24 hours between the low and high values, highest at `peakHour` (UTC, 0–24).
    case dailyCycle(cpuLow: Int64, cpuHigh: Int64, memoryLow: Int64, memoryHigh: Int64, peakHour: Double = 14,
                    noise: Double = 0.05)
    /// Memory that starts at `startMemoryBytes` when the container starts and grows by
    /// `bytesPerMinute`, up to `plateauBytes` when given (without one it leaks forever). Passing
    /// the memory limit gets the container OOM-killed, which starts it again from the bottom.
    case memoryGrowth(cpuMillicores: Int64, startMemoryBytes: Int64, bytesPerMinute: Int64, plateauBytes: Int64?,
                      noise: Double = 0.02)

    /// The usage at `now` of a container that (re)started at `startedAt`, before any limit applies.
    /// - Parameter noise: this container's noise at this instant, in `-1 ... 1`.
    public func usage(at now: Timestamp, startedAt: Timestamp, noise: Double) -> (cpuMillicores: Int64, memoryBytes: Int64) {
        switch self {
        case .steady(let cpu, let memory, let relative):
            return (Self.scaled(cpu, by: 1 + relative * noise), Self.scaled(memory, by: 1 + relative * noise / 4))
        case .dailyCycle(let cpuLow, let cpuHigh, let memoryLow, let memoryHigh, let peakHour, let relative):
            let millisecondsPerDay = 86_400_000.0
            let hourOfDay = Double(((now.unixMilliseconds % 86_400_000) + 86_400_000) % 86_400_000) / millisecondsPerDay * 24
            // 1 at the peak hour, 0 twelve hours away.
            let phase = (1 + cosine((hourOfDay - peakHour) / 24 * 2 * Double.pi)) / 2
            let cpu = Double(cpuLow) + Double(cpuHigh - cpuLow) * phase
            let memory = Double(memoryLow) + Double(memoryHigh - memoryLow) * phase
            return (Self.scaled(Int64(cpu), by: 1 + relative * noise), Self.scaled(Int64(memory), by: 1 + relative * noise / 4))
        case .memoryGrowth(let cpu, let start, let perMinute, let plateau, let relative):
            let minutes = max(0, now.milliseconds(since: startedAt)) / 60_000
            let (grown, overflow) = perMinute.multipliedReportingOverflow(by: minutes)
            let (sum, sumOverflow) = start.addingReportingOverflow(grown)
            var memory = overflow || sumOverflow ? Int64.max : sum
            if let plateau { memory = min(memory, plateau) }
            return (Self.scaled(cpu, by: 1 + relative * noise), Self.scaled(memory, by: 1 + relative * noise / 4))
        }
    }

    private static func scaled(_ value: Int64, by factor: Double) -> Int64 {
        let result = Double(value) * factor
        guard result.isFinite, result > 0 else { return 0 }
        return result >= Double(Int64.max) ? Int64.max : Int64(result.rounded())
    }
}
