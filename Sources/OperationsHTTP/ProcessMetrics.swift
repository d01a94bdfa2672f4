import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `process_*` families Prometheus' client libraries expose, read from `/proc/self` at each
/// scrape (Linux; where there is no `/proc` they stay at 0). The names and meanings are
/// client_golang's process collector's, so the usual dashboards and alerts work unchanged.
final class ProcessMetrics: Sendable {
    private let cpuSeconds: Prometheus.Counter
    private let residentMemory: Prometheus.Gauge
    private let virtualMemory: Prometheus.Gauge
    private let openFileDescriptors: Prometheus.Gauge
    private let maximumFileDescriptors: Prometheus.Gauge
    private let startTime: Prometheus.Gauge
    /// The CPU seconds already added to the counter: a Prometheus counter only goes up, so each
    /// scrape adds what the kernel counted since the last one.
    private let cpuSecondsCounted = Mutex<Double>(0)

    init(factory: DocumentedMetricsFactory) {
        cpuSeconds = factory.counter("process_cpu_seconds_total")
        residentMemory = factory.gauge("process_resident_memory_bytes")
        virtualMemory = factory.gauge("process_virtual_memory_bytes")
        openFileDescriptors = factory.gauge("process_open_fds")
        maximumFileDescriptors = factory.gauge("process_max_fds")
        startTime = factory.gauge("process_start_time_seconds")
        update()
    }

    /// Reads the process's figures now.
    func update() {
        guard let sample = ProcessSample.read() else { return }
        cpuSecondsCounted.withLock { counted in
            if sample.cpuSeconds > counted {
                cpuSeconds.increment(by: sample.cpuSeconds - counted)
                counted = sample.cpuSeconds
            }
        }
        residentMemory.set(to: sample.residentBytes)
        virtualMemory.set(to: sample.virtualBytes)
        openFileDescriptors.set(to: Double(sample.openFileDescriptors))
        maximumFileDescriptors.set(to: sample.maximumFileDescriptors)
        startTime.set(to: sample.startTimeSeconds)
    }
}

/// One reading of `/proc/self/stat`, `/proc/stat`, `/proc/self/fd` and `RLIMIT_NOFILE`.
struct ProcessSample: Equatable {
    var cpuSeconds: Double
    var residentBytes: Double
    var virtualBytes: Double
    var openFileDescriptors: Int
    var maximumFileDescriptors: Double
    var startTimeSeconds: Double

    /// The figures of this process; nil where there is no `/proc` (not Linux).
    static func read() -> ProcessSample? {
        #if os(Linux)
        guard let stat = readSmallFile("/proc/self/stat"), let system = readSmallFile("/proc/stat") else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        guard var sample = parse(stat: stat, system: system, ticksPerSecond: ticks, pageSize: pageSize) else { return nil }
        sample.openFileDescriptors = countEntries(of: "/proc/self/fd")
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            // Unlimited is 2^64 - 1, as client_golang shows it (Swift would print infinity as "inf", which
            // the text format does not accept).
            sample.maximumFileDescriptors = Double(limit.rlim_cur)
        }
        return sample
        #else
        return nil
        #endif
    }

    /// Parses `/proc/self/stat` (see proc(5): utime, stime, starttime, vsize, rss) with `btime` from
    /// `/proc/stat`. The command name, field 2, is in parentheses and may hold spaces or
    /// parentheses itself, so the fields are counted from the last ")".
    static func parse(stat: String, system: String, ticksPerSecond: Double, pageSize: Double) -> ProcessSample? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // fields[0] is field 3 (state): field n is fields[n - 3].
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 21, let userTicks = Double(fields[11]), let systemTicks = Double(fields[12]),
              let startTicks = Double(fields[19]), let virtualBytes = Double(fields[20]), let residentPages = Double(fields[21]),
              ticksPerSecond > 0 else { return nil }
        let bootTime = system.split(separator: "\n").first { $0.hasPrefix("btime ") }
            .flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Double($0) } ?? 0
        return ProcessSample(cpuSeconds: (userTicks + systemTicks) / ticksPerSecond, residentBytes: residentPages * pageSize,
                             virtualBytes: virtualBytes, openFileDescriptors: 0, maximumFileDescriptors: 0,
                             startTimeSeconds: bootTime + startTicks / ticksPerSecond)
    }

    #if os(Linux)
    /// A file of `/proc`, whose size `stat` reports as 0: read until the end.
    private static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The entries of a directory but "." and "..": in `/proc/self/fd`, the open descriptors,
    /// including the one reading it (client_golang counts it too).
    private static func countEntries(of path: String) -> Int {
        guard let directory = opendir(path) else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return count
    }
    #endif
}
