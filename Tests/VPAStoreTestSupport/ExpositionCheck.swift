import Foundation

/// A Prometheus text exposition as a scraper reads it: what `promtool check metrics` would say
/// about it without promtool (`problems`), the families and their samples, and promtool itself
/// when it is installed (`Promtool`).
public struct Exposition: Sendable {
    /// One sample line: `name{labels} value`.
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public let text: String
    /// `# HELP` text by family name.
    public private(set) var help: [String: String] = [:]
    /// `# TYPE` by family name.
    public private(set) var types: [String: String] = [:]
    public private(set) var samples: [Sample] = []
    /// Lines that are not a comment nor a sample.
    public private(set) var unreadable: [String] = []

    public init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst("# HELP ".count)
                let name = String(rest.prefix { $0 != " " })
                help[name] = String(rest.dropFirst(name.count).drop { $0 == " " })
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) } else { unreadable.append(line) }
            } else if line.hasPrefix("#") {
                continue
            } else if let sample = Self.sample(line) {
                samples.append(sample)
            } else {
                unreadable.append(line)
            }
        }
    }

    /// The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` series are its own.
    public func family(of sample: Sample) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
            let base = String(sample.name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return sample.name
    }

    /// Every family: typed, or with samples.
    public var families: Set<String> { Set(types.keys).union(samples.map(family(of:))) }

    /// The value of the series `name` with exactly `labels`, if there is one.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The series of `name`.
    public func series(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    /// What a scraper or `promtool check metrics` would reject, as sentences: a family without `# HELP`
    /// or `# TYPE`, a sample of no declared family, a line that does not parse, and the lint rules
    /// promtool applies to names (counters end in `_total`, nothing else does; `_count`, `_sum` and
    /// `_bucket` only in histograms and summaries).
    public var problems: [String] {
        var found: [String] = unreadable.map { "unreadable line: \($0)" }
        for family in families.sorted() {
            if (help[family] ?? "").isEmpty { found.append("\(family): no # HELP text") }
            guard let type = types[family] else {
                found.append("\(family): no # TYPE line")
                continue
            }
            if type == "counter" && !family.hasSuffix("_total") { found.append("\(family): a counter's name must end in _total") }
            if type != "counter" && family.hasSuffix("_total") { found.append("\(family): only a counter's name may end in _total") }
            if type != "histogram" && type != "summary" {
                for suffix in ["_count", "_sum", "_bucket"] where family.hasSuffix(suffix) {
                    found.append("\(family): only a histogram's or summary's name may end in \(suffix)")
                }
            }
        }
        for name in Set(help.keys).subtracting(types.keys).sorted() { found.append("\(name): # HELP without # TYPE") }
        return found
    }

    /// `name{a="x",b="y"} value` (label values without escaped quotes or commas: ours have none).
    static func sample(_ line: String) -> Sample? {
        guard let nameEnd = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return nil }
        let name = String(line[..<nameEnd])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else { return nil }
        var labels: [String: String] = [:]
        var rest = line[nameEnd...]
        if rest.first == "{" {
            guard let close = rest.firstIndex(of: "}") else { return nil }
            let body = rest[rest.index(after: rest.startIndex)..<close]
            for pair in body.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\""), parts[1].count >= 2 else { return nil }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            rest = rest[rest.index(after: close)...]
        }
        let fields = rest.split(separator: " ")
        guard fields.count == 1 || fields.count == 2, let value = Self.number(fields[0]) else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }

    /// A sample value as the text format writes it: a Go float, `+Inf`, `-Inf` or `NaN`.
    static func number(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            // Swift's own spellings ("inf", "nan") are not the format's.
            guard text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else { return nil }
            return Double(text)
        }
    }
}

/// `promtool` from Prometheus (Debian: the `prometheus` package), when installed.
public enum Promtool {
    /// Its path, or nil when it is not installed (the tests then rely on `Exposition.problems`).
    public static var path: String? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/promtool" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `promtool arguments…` with `input` on standard input; its exit status and output.
    public static func run(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String)? {
        guard let path else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        try? output.fileHandleForReading.close()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    /// `promtool check metrics` on `exposition`: nil when promtool is not installed, else its
    /// complaints ("" when clean).
    public static func checkMetrics(_ exposition: String) throws -> String? {
        guard let checked = try run(["check", "metrics"], input: exposition) else { return nil }
        let output = checked.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return checked.status == 0 && output.isEmpty ? "" : "exit \(checked.status): \(output)"
    }
}
