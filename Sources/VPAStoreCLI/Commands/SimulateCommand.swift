import ArgumentParser
import Foundation
import Logging
import Simulator
import StoreRPC
import VPAModel
import VPAStoreClient

/// `vpa-store simulate`: a simulated cluster reporting to a server as an informer would, applying
/// what the updater decides.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated cluster against a vpa-store server (pods, usage, OOM kills, a kubelet that resizes in place).",
        discussion: """
            Each step advances the simulated clock by --step, carries out the updater's decisions recorded in the \
            store since the last step (ResizeRequested: new desired resources; UpdaterDecision evict: the pod is \
            deleted and its ReplicaSet replaces it), and ingests what the cluster then shows, at the simulated time. \
            Prints one progress line per simulated hour and a summary.
            """)

    @Option(name: .long, help: ArgumentHelp("The vpa-store server.", valueName: "host:port"),
            transform: ServerOptions.parseEndpoint)
    var server: RPCEndpoint

    @Option(name: .long, help: ArgumentHelp("A file holding the token the server requires.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: "Simulated time to run (e.g. 2d, 12h).", transform: TimeArgument.parseDuration)
    var duration: Int64 = 2 * 86_400_000

    @Option(name: .long, help: "Simulated time per step (e.g. 1m).", transform: TimeArgument.parseDuration)
    var step: Int64 = 60_000

    @Option(name: .long, help: "Real time to wait after each step, so separate recommender and updater processes keep up (e.g. 5ms).",
            transform: TimeArgument.parseDuration)
    var pace: Int64 = 0

    @Option(name: .long, help: "Random seed of the scenario.")
    var seed: UInt64 = 7

    func validate() throws {
        if step < 1000 { throw ValidationError("--step must be at least 1s") }
        if duration < step { throw ValidationError("--duration must be at least one --step") }
    }

    func run() async throws {
        let token = try ServerOptions(server: server, tokenFile: tokenFile).token()
        let client = StoreClient(endpoint: server, token: token, peerName: "vpa-store simulate")
        let runner = try SimulationRunner(client: client, scenario: .standardDemo(seed: seed),
                                          logger: Logger(label: "vpa-store.simulate"))
        let steps = Int(duration / step)
        let started = ContinuousClock.now
        let pace = self.pace
        let stepMilliseconds = step
        let hourSteps = max(1, Int(3_600_000 / stepMilliseconds))
        let counter = StepCounter()
        let summary = try await runner.run(steps: steps, stepDuration: .milliseconds(step)) { now in
            let done = await counter.next()
            if done % hourSteps == 0 {
                writeLine("simulated \(now.rfc3339) (\(done * Int(stepMilliseconds) / 3_600_000)h of \(steps * Int(stepMilliseconds) / 3_600_000)h)")
            }
            if pace > 0 { try await Task.sleep(for: .milliseconds(pace)) }
        }
        let seconds = (ContinuousClock.now - started).seconds
        writeLine(summary.description)
        writeLine(String(format: "%.0f simulated minutes per real second", Double(summary.simulatedMilliseconds) / 60_000 / max(seconds, 0.001)))
        await client.close()
    }
}

/// Counts steps from inside the runner's hook.
actor StepCounter {
    private var count = 0
    func next() -> Int {
        count += 1
        return count
    }
}

/// Writes a line to standard output unbuffered, so a parent process sees progress as it happens.
func writeLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
