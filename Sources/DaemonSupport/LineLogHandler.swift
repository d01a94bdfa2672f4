import Foundation
import Logging
import VPAModel

/// The swift-log handler of every long-running command: each record becomes one line of
/// `LogLineFormatter` output, written to standard error (or, in tests, wherever `output` sends it).
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let formatter: LogLineFormatter
    private let output: LogOutput
    private let clock: @Sendable () -> Timestamp

    /// A handler for the logger `label`, writing records at `level` or above in `format`.
    public init(label: String, format: LogFormat, level: Logger.Level = .info, output: LogOutput = .standardError,
                metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
                clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.label = label
        self.formatter = LogLineFormatter(format: format)
        self.logLevel = level
        self.output = output
        self.metadataProvider = metadataProvider
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the record with the logger's metadata, the provider's, the call's (each later one wins
    /// a key), and the error's message and type as swift-log's own handler names them.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        output.write(formatter.line(time: clock(), level: event.level, label: label, message: event.message.description,
                                    metadata: merged))
    }
}

/// Where a `LineLogHandler` sends its lines (each without its newline).
public struct LogOutput: Sendable {
    /// Receives one line.
    public let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard error, one whole line per write under a lock, so records of concurrent tasks never
    /// interleave inside a line.
    public static let standardError = LogOutput { line in
        let bytes = Data((line + "\n").utf8)
        standardErrorLock.withLock {
            // A closed or full stderr must not stop the process: the record is lost, as with print.
            try? FileHandle.standardError.write(contentsOf: bytes)
        }
    }

    private static let standardErrorLock = NSLock()
}
