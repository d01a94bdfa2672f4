import Foundation
import StoreRPC

/// A `vpa-store serve` child process on 127.0.0.1 port 0 over a temporary database: the benchmark
/// measures the server as it runs in production, in its own process, over loopback TCP.
public final class ServerProcess {
    public let endpoint: RPCEndpoint
    public let directory: URL
    private let process: Process

    /// Starts `executable serve` (the running `vpa-store` binary) and waits for its address.
    public init(executable: URL, extraArguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--db", directory.appendingPathComponent("bench.db").path,
                             "--listen", "127.0.0.1:0", "--log-level", "warning"] + extraArguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on "),
              let endpoint = RPCEndpoint(parsing: String(text.dropFirst("listening on ".count).prefix { $0 != "," })) else {
            process.terminate()
            throw BenchError("the server did not start: it printed \"\(text)\"")
        }
        self.endpoint = endpoint
    }

    /// The database file the server writes.
    public var databasePath: String { directory.appendingPathComponent("bench.db").path }

    /// The server's resident set size now (`VmRSS`), in bytes (Linux).
    public var residentBytes: Int? { statusField("VmRSS:") }

    /// The most the server's resident set has been (`VmHWM`), in bytes (Linux).
    public var peakResidentBytes: Int? { statusField("VmHWM:") }

    /// Resident memory now that is the process's own (`RssAnon`) and that is file pages, such as the
    /// memory-mapped database (`RssFile`), in bytes (Linux).
    public var residentSplit: (anonymous: Int, file: Int)? {
        guard let anonymous = statusField("RssAnon:"), let file = statusField("RssFile:") else { return nil }
        return (anonymous, file)
    }

    private func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// SIGINT (graceful shutdown) and wait; the database stays until `removeFiles`.
    public func stop() {
        guard process.isRunning else { return }
        process.interrupt()
        process.waitUntilExit()
    }

    /// Removes the temporary directory and the database in it.
    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
