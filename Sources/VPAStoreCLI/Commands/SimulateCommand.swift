import ArgumentParser
import DaemonSupport
import Foundation
import Logging
import Simulator
import SimulatorAPI
import StoreRPC
import UnixSignals
import VPAModel
import VPAStoreClient

/// `vpa-store simulate`: a simulated cluster reporting to a server as an informer would, applying
/// what the updater decides; or, with `--api-listen`, served as a Kubernetes API.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated cluster against a vpa-store server (pods, usage, OOM kills, a kubelet that resizes in place).",
        discussion: """
            Each step advances the simulated clock by --step, carries out the updater's decisions recorded in the \
            store since the last step (ResizeRequested: new desired resources; UpdaterDecision evict: the pod is \
            deleted and its ReplicaSet replaces it), and ingests what the cluster then shows, at the simulated time. \
            Prints one progress line per simulated hour and a summary.

            With --api-listen the cluster is served as a Kubernetes API over HTTPS instead (discovery, pods with \
            list/watch, the resize and eviction subresources, VPAs and their status, Leases, Events, PodMetrics), \
            with a CA and a bearer token it generates, and observed only through that API: --server is not used. \
            It writes a kubeconfig to --kubeconfig-out, prints `api listening on https://HOST:PORT, kubeconfig FILE`, \
            then advances the model every --step of simulated time (default 1s; --speed 60 runs a simulated minute \
            per second) until --duration of simulated time has passed, or SIGINT/SIGTERM.
            """)

    @Option(name: .long, help: ArgumentHelp("The vpa-store server (not with --api-listen).", valueName: "host:port"),
            transform: DaemonCommandLine.parseEndpoint)
    var server: RPCEndpoint?

    @Option(name: .long, help: ArgumentHelp("Serve the cluster as a Kubernetes API over HTTPS at this address (port 0 picks one).",
                                            valueName: "host:port"))
    var apiListen: String?

    @Option(name: .long, help: ArgumentHelp("With --api-listen: where to write the kubeconfig for the API.", valueName: "file"))
    var kubeconfigOut: String?

    @Option(name: .long, help: "With --api-listen: simulated seconds per real second.")
    var speed: Double = 1

    @Option(name: .long, help: "With --api-listen: changes kept for watches and continued lists; older resourceVersions answer 410.")
    var watchHistory: Int = 10_000

    @Option(name: .long, help: ArgumentHelp("A file holding the token the server requires.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: "With --api-listen: also serve this many running pods that no kubelet acts on (namespaces bulk-0…bulk-49), to load a feed.")
    var bulkPods = 0

    @Flag(name: .long, help: "With --api-listen: at --duration stop the clock but keep serving until SIGINT/SIGTERM (so clients can stop first).")
    var hold = false

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    @Option(name: .long, help: "Simulated time to run (e.g. 2d, 12h). Default 2d; with --api-listen, until a signal.",
            transform: TimeArgument.parseDuration)
    var duration: Int64?

    @Option(name: .long, help: "Simulated time per step (e.g. 1m). Default 1m; with --api-listen, 1s.",
            transform: TimeArgument.parseDuration)
    var step: Int64?

    @Option(name: .long, help: "Real time to wait after each step, so separate recommender and updater processes keep up (e.g. 5ms).",
            transform: TimeArgument.parseDuration)
    var pace: Int64 = 0

    @Option(name: .long, help: "Random seed of the scenario.")
    var seed: UInt64 = 7

    func validate() throws {
        let step = self.step ?? (apiListen == nil ? 60_000 : 1000)
        if step < 1000 { throw ValidationError("--step must be at least 1s") }
        if let duration, duration < step { throw ValidationError("--duration must be at least one --step") }
        if let apiListen {
            if server != nil { throw ValidationError("--server and --api-listen exclude each other: with --api-listen the cluster is observed through its API") }
            if kubeconfigOut == nil { throw ValidationError("--api-listen needs --kubeconfig-out FILE, where clients find the API's address, CA and token") }
            if Self.parseListen(apiListen) == nil { throw ValidationError("--api-listen \"\(apiListen)\" is not HOST:PORT (such as 127.0.0.1:6443)") }
            if !(speed > 0 && speed <= 100_000) { throw ValidationError("--speed must be above 0 and at most 100000") }
            if watchHistory < 1 { throw ValidationError("--watch-history must be at least 1") }
            if bulkPods < 0 || bulkPods > 1_000_000 { throw ValidationError("--bulk-pods must be between 0 and 1000000") }
        } else if server == nil {
            throw ValidationError("give --server HOST:PORT (a vpa-store server to ingest into) or --api-listen HOST:PORT (serve a Kubernetes API)")
        }
    }

    func run() async throws {
        if apiListen != nil { return try await runAPI() }
        guard let server else { throw ValidationError("--server is required without --api-listen") }
        let step = self.step ?? 60_000
        let duration = self.duration ?? 2 * 86_400_000
        let token = try ServerOptions.token(from: tokenFile)
        let client = StoreClient(endpoint: server, token: token, peerName: "vpa-store simulate")
        let runner = try SimulationRunner(store: client, scenario: .standardDemo(seed: seed),
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

    /// A running pod of 100m / 128 Mi in `bulk-(index % 50)`, for `--bulk-pods`.
    static func bulkPod(_ index: Int) -> PodObservation {
        let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: 100, memoryBytes: 128 << 20))
        return PodObservation(uid: "bulk-\(index)", namespace: "bulk-\(index % 50)", name: "pod-\(index)", phase: "Running",
                              nodeName: "node-a",
                              containers: [ContainerObservation(name: "app", desired: resources,
                                                                status: ContainerStatusObservation(resources: resources,
                                                                                                   state: .running(startedAt: nil)))])
    }

    static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        let host = String(text[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    /// `--api-listen`: serves the simulated cluster as a Kubernetes API until --duration or a signal.
    private func runAPI() async throws {
        guard let apiListen, let kubeconfigOut, let (host, port) = Self.parseListen(apiListen) else { return }
        let step = self.step ?? 1000
        logging.bootstrap()
        let logger = Logger(label: "vpa-store.simulate")
        // Whole seconds, as the API's timestamps are; at speed 1 simulated time then follows the wall clock.
        let start = Timestamp(unixMilliseconds: Timestamp.now.unixMilliseconds / 1000 * 1000)
        let simulation = try ClusterSimulation(scenario: .standardDemo(start: start, seed: seed))
        let configuration = SimulatedAPIConfiguration(kubeconfigPath: kubeconfigOut, host: host, port: port,
                                                      clock: .realTime(stepMilliseconds: step, speed: speed), historyLimit: watchHistory)
        let server = try await SimulatedAPIServer.start(simulation: simulation, configuration: configuration, logger: logger)
        if bulkPods > 0 { await server.putPods((0..<bulkPods).map(Self.bulkPod)) }
        writeLine("api listening on \(server.serverURL), kubeconfig \(kubeconfigOut)")
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let duration = self.duration
        let hold = self.hold
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals { return }
            }
            group.addTask {
                guard let duration else {
                    try? await Task.sleep(for: .seconds(86_400 * 365 * 100))
                    return
                }
                // One progress line per simulated hour, as without --api-listen.
                let hours = duration / 3_600_000
                for hour in 1...max(1, hours) where hour <= hours {
                    let time = start.advanced(byMilliseconds: Int64(hour) * 3_600_000)
                    do { try await server.waitUntil(simulatedTime: time) } catch { return }
                    writeLine("simulated \(time.rfc3339) (\(hour)h of \(hours)h)")
                }
                do { try await server.waitUntil(simulatedTime: start.advanced(byMilliseconds: duration)) } catch { return }
                guard hold else { return }
                await server.stopClock()
                writeLine("reached --duration at \(await server.now.rfc3339); serving until SIGINT or SIGTERM (--hold)")
                try? await Task.sleep(for: .seconds(86_400 * 365 * 100))
            }
            await group.next()
            group.cancelAll()
        }
        let now = await server.now
        let counters = await server.simulation.counters
        let api = await server.counters
        await server.stop()
        writeLine("simulated until \(now.rfc3339): \(counters.podsCreated) pods created, \(counters.podsEvicted) evicted, "
                  + "\(counters.vpaResizes) resizes through the API, \(counters.resizesCompleted) resizes completed, \(counters.oomKills) OOM kills")
        writeLine("through the API: \(api.resizePatches) resize patches (pods/resize), \(api.evictions) evictions (pods/eviction, "
                  + "\(api.evictionsRefused) refused), \(api.vpaStatusWrites) VPA status writes, "
                  + "\(api.containersAdmittedWithRecommendation) containers of new pods admitted with the recommended requests")
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
func writeLine(_ line: String) { DaemonCommandLine.write(line) }
