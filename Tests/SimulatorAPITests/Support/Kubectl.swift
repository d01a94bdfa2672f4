import Foundation
import NIOConcurrencyHelpers
import Testing

/// The real kubectl, run against a kubeconfig: the independent judge of the API face.
struct Kubectl {
    /// Why a test that needs kubectl cannot run: it fails, never skips.
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "kubectl is not on PATH: the kubectl conformance tests need the real kubectl (1.32 or later); install it and run them again"
        }
    }

    /// What one run printed.
    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    let executable: String
    let kubeconfig: String
    /// Its own discovery cache, so runs against other servers (other ports) never mix.
    let cacheDirectory: String

    /// kubectl from PATH; throws `Missing` (recorded as a failure) when there is none.
    init(kubeconfig: String, cacheDirectory: String) throws {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        guard let found = directories.map({ "\($0)/kubectl" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Missing()
        }
        executable = found
        self.kubeconfig = kubeconfig
        self.cacheDirectory = cacheDirectory
    }

    private func process(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--kubeconfig", kubeconfig, "--cache-dir", cacheDirectory, "--request-timeout", "20s"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = nil
        environment["HOME"] = cacheDirectory
        process.environment = environment
        return process
    }

    /// Runs kubectl to its end (killed after `timeout`).
    func run(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> Output {
        let running = try start(arguments, stdin: stdin)
        let deadline = ContinuousClock.now + timeout
        while running.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if running.isRunning { running.stop() }
        return await running.finish()
    }

    /// Starts kubectl and collects what it prints, for commands that run until stopped (`--watch`).
    func start(_ arguments: [String], stdin: String? = nil) throws -> RunningKubectl {
        let process = process(arguments)
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        let running = RunningKubectl(process: process, output: output, errors: errors)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        return running
    }
}

/// A kubectl process and what it printed so far.
// Process and Pipe are not Sendable; this class only starts, signals and reads them, and what it
// collects is behind a lock.
final class RunningKubectl: @unchecked Sendable {
    private let process: Process
    private let collected = NIOLockedValueBox<(stdout: [UInt8], stderr: [UInt8])>(([], []))
    private let output: Pipe
    private let errors: Pipe
    private let readersDone: (NIOLockedValueBox<Bool>, NIOLockedValueBox<Bool>)

    // Process is not Sendable, but it is only started, signalled and read here.
    fileprivate init(process: Process, output: Pipe, errors: Pipe) {
        self.process = process
        self.output = output
        self.errors = errors
        let collected = self.collected
        // One blocking reader thread per pipe: it ends at end of file, when the process is gone.
        let outputHandle = output.fileHandleForReading, errorHandle = errors.fileHandleForReading
        let outputDone = NIOLockedValueBox(false), errorsDone = NIOLockedValueBox(false)
        self.readersDone = (outputDone, errorsDone)
        Thread.detachNewThread {
            while case let data = outputHandle.availableData, !data.isEmpty { collected.withLockedValue { $0.stdout += data } }
            outputDone.withLockedValue { $0 = true }
        }
        Thread.detachNewThread {
            while case let data = errorHandle.availableData, !data.isEmpty { collected.withLockedValue { $0.stderr += data } }
            errorsDone.withLockedValue { $0 = true }
        }
    }

    var isRunning: Bool { process.isRunning }

    /// What it printed on standard output so far.
    var stdout: String { String(decoding: collected.withLockedValue { $0.stdout }, as: UTF8.self) }

    func stop() {
        if process.isRunning { process.terminate() }
    }

    /// Waits for the process to end and returns everything it printed.
    func finish() async -> Kubectl.Output {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        // The readers finish what is left in the pipes.
        let deadline = ContinuousClock.now + .seconds(5)
        while !(readersDone.0.withLockedValue { $0 } && readersDone.1.withLockedValue { $0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let (stdout, stderr) = collected.withLockedValue { ($0.stdout, $0.stderr) }
        return Kubectl.Output(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }
}
