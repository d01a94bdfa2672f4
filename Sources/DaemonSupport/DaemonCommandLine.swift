import ArgumentParser
import Foundation
import LeaderElection
import Logging
import StoreRPC
import VPAModel


/// A loop that `vpa-recommender` and `vpa-updater` run against the store, one pass at a time.
public protocol LoopingRunner: Actor {
    associatedtype Summary: CustomStringConvertible & Sendable
    /// One pass at `now` (nil = the runner's clock).
    func runOnce(now: Timestamp?) async throws -> Summary
    /// Closes the runner's connection.
    func close() async
    /// This replica has just become the leader (`--leader-elect`): forget what it remembers of its
    /// own earlier writes, since another leader may have written since.
    func startedLeading() async
}

extension LoopingRunner {
    /// Nothing to forget by default.
    public func startedLeading() async {}
}

/// The command-line plumbing the two autoscaler executables share.
public enum DaemonCommandLine {
    /// Runs `runner` once (`--once`: one summary line, a failed pass is an error) or at `interval`
    /// until SIGINT or SIGTERM, printing each pass's summary line; closes it either way.
    ///
    /// With `leaderElector` (`--leader-elect`), passes run only while it leads: it campaigns first,
    /// a pass in progress is cancelled when leadership is lost, and the lease is released when the
    /// command stops, so another replica takes over at once.
    ///
    /// `activity` (for `/healthz`) is told when the loop runs and each time a pass starts;
    /// `observer` (for `/metrics`) how long each pass took, whether it failed, and what it did.
    public static func drive<Runner: LoopingRunner>(_ runner: Runner, once: Bool, interval: Duration,
                                                    leaderElector: LeaderElector? = nil, activity: LoopActivity? = nil,
                                                    observer: PassObserver<Runner.Summary>? = nil,
                                                    logger: Logger) async throws {
        // However the loop ends, the runner's connection is closed.
        do {
            if let leaderElector {
                try await drive(runner, once: once, interval: interval, leaderElector: leaderElector, activity: activity,
                                observer: observer, logger: logger)
            } else if once {
                do {
                    try await pass(runner, observer: observer)
                } catch {
                    throw LoopFailure(message: "the loop failed: \(error)")
                }
            } else {
                activity?.startMonitoring()
                try await LoopService.runUntilSignalled(logger: logger) {
                    await runEvery(interval, runner, activity: activity, observer: observer, logger: logger)
                }
            }
        } catch {
            await runner.close()
            throw error
        }
        await runner.close()
    }

    private static func drive<Runner: LoopingRunner>(_ runner: Runner, once: Bool, interval: Duration,
                                                     leaderElector: LeaderElector, activity: LoopActivity?,
                                                     observer: PassObserver<Runner.Summary>?,
                                                     logger: Logger) async throws {
        let outcome = PassOutcome()
        try await LoopService.runUntilSignalled(logger: logger) { @Sendable in
            await leaderElector.run {
                await runner.startedLeading()
                activity?.startMonitoring()
                defer { activity?.stopMonitoring() }
                guard once else { return await runEvery(interval, runner, activity: activity, observer: observer, logger: logger) }
                do {
                    try await pass(runner, observer: observer)
                    await outcome.succeeded()
                } catch {
                    await outcome.failed("the loop failed: \(error)")
                }
            }
        }
        if once, let failure = await outcome.failure {
            throw LoopFailure(message: failure)
        }
    }

    /// A pass every `interval` until the task is cancelled, each pass's summary printed. A pass that
    /// fails is logged and the next one runs at the next interval; one cut short by cancellation
    /// (shutdown) is not reported, and the next start resumes the work.
    static func runEvery<Runner: LoopingRunner>(_ interval: Duration, _ runner: Runner, activity: LoopActivity? = nil,
                                                observer: PassObserver<Runner.Summary>? = nil, logger: Logger) async {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let started = clock.now
            activity?.recordActivity()
            do {
                try await pass(runner, observer: observer)
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                logger.error("Loop failed; the next loop retries", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(until: started.advanced(by: interval), clock: clock)
            } catch {
                return
            }
        }
    }

    /// Runs one pass and prints its summary; tells `observer` how long it took and how it ended,
    /// except for a pass cut short by cancellation (shutdown, leadership lost), which is neither.
    static func pass<Runner: LoopingRunner>(_ runner: Runner, observer: PassObserver<Runner.Summary>?) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let summary: Runner.Summary
        do {
            summary = try await runner.runOnce(now: nil)
        } catch {
            if !(Task.isCancelled || error is CancellationError) { observer?.failed(after: clock.now - started) }
            throw error
        }
        observer?.succeeded(summary, after: clock.now - started)
        write(summary.description)
    }

    /// Writes a line straight to standard output, so a reader of a pipe sees each loop as it ends.
    public static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `--server HOST:PORT|unix:PATH`.
    public static func parseEndpoint(_ text: String) throws -> RPCEndpoint {
        guard let endpoint = RPCEndpoint(parsing: text) else {
            throw ValidationError("\"\(text)\" is not an address: use HOST:PORT (such as 127.0.0.1:7373) or unix:/path")
        }
        return endpoint
    }

    /// A duration flag, such as `--interval 30s`.
    public static func parseDuration(_ text: String) throws -> Duration {
        do {
            return try DurationParser.parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// A Kubernetes quantity flag, such as `--pod-recommendation-min-memory-mb 250Mi`.
    public static func parseQuantity(_ text: String) throws -> Quantity {
        do {
            return try Quantity.parse(text)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The token in `file`, without surrounding whitespace; "" without a file.
    public static func token(from file: String?) throws -> String {
        guard let file else { return "" }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("cannot read the token file \(file): check the path and its permissions")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ValidationError("the token file \(file) is empty: put the server's token in it") }
        return token
    }
}

/// What the `--once` pass run under leader election came to.
actor PassOutcome {
    private(set) var failure: String? = "stopped before the loop ran: this replica never became the leader"

    func succeeded() { failure = nil }
    func failed(_ message: String) { failure = message }
}

/// A failed `--once` pass, printed as a sentence.
public struct LoopFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
