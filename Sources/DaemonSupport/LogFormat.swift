import ArgumentParser
import Logging

/// How every long-running command writes its log records to standard error (`--log-format`).
public enum LogFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// One line per record: `TIME LEVEL LABEL: MESSAGE key=value key="value with spaces"`, for a person
    /// reading a terminal or `kubectl logs`.
    case text
    /// One JSON object per line (`ts`, `level`, `label`, `msg`, then the metadata keys), for a log
    /// pipeline (Loki, Elasticsearch, `jq`).
    case json
}

/// `--log-level` and `--log-format`, the same on `serve`, `feed`, `simulate`, `vpa-recommender` and
/// `vpa-updater`.
public struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    public var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Log format: text (key=value, a value with spaces or quotes quoted) or json (one object per line).")
    public var logFormat: LogFormat = .text

    public init() {}

    /// Sends every record at `--log-level` or above to standard error as one line in `--log-format`,
    /// as each long-running command (serve, feed, simulate, the recommender and the updater) logs.
    /// Call once, first thing in `run()`.
    public func bootstrap() {
        LoggingSystem.bootstrap { [logLevel, logFormat] label in
            LineLogHandler(label: label, format: logFormat, level: logLevel)
        }
    }
}
