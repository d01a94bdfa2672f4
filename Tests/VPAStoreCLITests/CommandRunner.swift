import Foundation
import Testing
import VPAStoreTestSupport

/// Runs the built `vpa-store` binary as a separate process, as a user would.
struct CommandRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The debug binary `swift build` produced.
    static var binary: URL {
        get throws { try binary(named: "vpa-store") }
    }

    /// A debug binary of this package (`vpa-store`, `vpa-recommender`, `vpa-updater`).
    static func binary(named name: String) throws -> URL {
        let url = packageRoot.appendingPathComponent(".build/debug/\(name)")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw RunnerError("no \(name) binary at \(url.path): run `swift build` before `swift test` (scripts/test.sh does)")
        }
        return url
    }

    /// A fixture of the KubernetesJSON tests (the project's own copies of upstream test pods).
    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/KubernetesJSONTests/Fixtures/\(name)").path
    }

    /// A file of examples/.
    static func example(_ name: String) -> String {
        packageRoot.appendingPathComponent("examples/\(name)").path
    }

    let database: String

    /// Starts `vpa-store arguments… --db database` and returns the running process.
    func start(_ arguments: [String], stdin: Data? = nil, executable: URL? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try executable ?? Self.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["VPA_STORE_DB"] = database
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        return (process, out, err)
    }

    /// Runs `vpa-store arguments…` with `VPA_STORE_DB` set to this runner's database, to completion.
    @discardableResult
    func run(_ arguments: String..., stdin: Data? = nil) throws -> Result {
        try run(arguments, stdin: stdin)
    }

    /// Runs another binary of the package (`vpa-recommender`, `vpa-updater`) to completion.
    func run(_ executable: URL, _ arguments: [String]) throws -> Result {
        try run(arguments, executable: executable)
    }

    func run(_ arguments: [String], stdin: Data? = nil, executable: URL? = nil) throws -> Result {
        let (process, out, err) = try start(arguments, stdin: stdin, executable: executable)
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        // Closed here, once, rather than by the handles' deinit: on Linux, Foundation's handles
        // closed late have been seen to close a descriptor number another thread had reopened
        // (swiftlang/swift#57827), and this test process opens SQLite files on other threads.
        try? out.fileHandleForReading.close()
        try? err.fileHandleForReading.close()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs a command that must succeed, and returns its standard output.
    func succeed(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "vpa-store \(arguments.joined(separator: " ")) failed: \(result.stderr)",
                sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The JSON array a `--format json` command prints.
    func json(_ arguments: String...) throws -> [[String: Any]] {
        try json(arguments)
    }

    func json(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try run(arguments + ["--format", "json"])
        guard result.status == 0, let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        else { throw RunnerError("vpa-store \(arguments.joined(separator: " ")) gave no JSON array: \(result.stdout) \(result.stderr)") }
        return array
    }
}

struct RunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A temporary directory holding a database path, removed when released.
final class Workspace {
    let directory: URL
    var database: String { directory.appendingPathComponent("store.db").path }
    var runner: CommandRunner { CommandRunner(database: database) }

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
