import Foundation
import Logging
import NIOConcurrencyHelpers
import Simulator
import VPAModel

/// A simulated cluster served as a Kubernetes API over HTTPS (DESIGN §8): what the model shows
/// becomes Pods, VerticalPodAutoscalers, PodMetrics and Events with resourceVersions, lists and
/// watches; resizes and evictions through the API act on the model's kubelet and ReplicaSets.
///
/// At start it generates a CA and a serving certificate for `127.0.0.1`/`localhost`, a random
/// bearer token, and writes a kubeconfig that `kubectl --kubeconfig FILE` and the project's own
/// client use as they would a real cluster's.
///
/// ```swift
/// let server = try await SimulatedAPIServer.start(
///     simulation: try ClusterSimulation(scenario: .standardDemo()),
///     configuration: SimulatedAPIConfiguration(kubeconfigPath: dir + "/kubeconfig"), logger: logger)
/// _ = await server.advance(byMilliseconds: 60_000)   // manual clock: tests move time
/// await server.stop()
/// ```
public final class SimulatedAPIServer: Sendable {
    /// The port bound.
    public let port: Int
    /// `https://127.0.0.1:PORT`, as the kubeconfig names it.
    public let serverURL: String
    /// Where the kubeconfig was written.
    public let kubeconfigPath: String
    /// The bearer token every request must carry.
    public let token: String
    /// The CA certificate (PEM) that signed the serving certificate.
    public let certificateAuthorityPEM: String

    private let state: APIState
    private let http: APIHTTPServer
    private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])

    private init(port: Int, host: String, kubeconfigPath: String, token: String, certificateAuthorityPEM: String,
                 state: APIState, http: APIHTTPServer) {
        self.port = port
        self.serverURL = "https://\(host):\(port)"
        self.kubeconfigPath = kubeconfigPath
        self.token = token
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.state = state
        self.http = http
    }

    /// Publishes the model's current state, binds, writes the kubeconfig, and starts serving (and,
    /// with a real-time clock, advancing the model).
    ///
    /// - Throws: when the address cannot be bound or the kubeconfig cannot be written.
    public static func start(simulation: ClusterSimulation, configuration: SimulatedAPIConfiguration,
                             logger: Logger) async throws -> SimulatedAPIServer {
        let state = APIState(simulation: simulation, historyLimit: configuration.historyLimit,
                             watchBufferLimit: max(1, configuration.watchBufferLimit),
                             bookmarkInterval: configuration.bookmarkInterval, logger: logger)
        // The pods the model created at its start, scheduled, at the start time.
        _ = await state.advance(byMilliseconds: 0)
        let identity = try ServingIdentity.generate()
        var random = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        let host = configuration.host
        let http = try await APIHTTPServer.bind(
            host: host, port: configuration.port, identity: identity, maximumBodyBytes: configuration.maximumRequestBodyBytes,
            router: { port in APIRouter(state: state, token: token, serverAddress: "\(host):\(port)") }, logger: logger)
        let server = SimulatedAPIServer(port: http.port, host: host, kubeconfigPath: configuration.kubeconfigPath, token: token,
                                        certificateAuthorityPEM: identity.certificateAuthorityPEM, state: state, http: http)
        // A real-time clock is published in the kubeconfig, so that a feed stamps observed_at in the
        // simulation's time (the model starts when the server does).
        var simulatedClock: SimulatedClock?
        if case .realTime(_, let speed) = configuration.clock {
            simulatedClock = SimulatedClock(simulatedStart: await state.now, wallStart: .now, speed: speed)
        }
        do {
            try Kubeconfig(server: server.serverURL, certificateAuthorityPEM: identity.certificateAuthorityPEM, token: token,
                           simulatedClock: simulatedClock)
                .write(to: configuration.kubeconfigPath)
        } catch {
            http.close()
            await http.run()
            throw error
        }
        var tasks = [Task { await http.run() }]
        if case .realTime(let step, _) = configuration.clock, let simulatedClock {
            tasks.append(Task { await Self.runClock(state: state, stepMilliseconds: max(1, step), clock: simulatedClock) })
        }
        server.tasks.withLockedValue { $0 = tasks }
        logger.info("Simulated API serving", metadata: ["api.url": "\(server.serverURL)", "api.kubeconfig": "\(configuration.kubeconfigPath)"])
        return server
    }

    /// Every step / speed of real time, advances the model to the time `clock` says it is now: the
    /// model follows the published clock exactly (a slow step makes the next one longer, never
    /// lets the model fall behind the kubeconfig's clock).
    private static func runClock(state: APIState, stepMilliseconds: Int64, clock simulated: SimulatedClock) async {
        let nanoseconds = Double(stepMilliseconds) * 1_000_000 / simulated.speed
        let interval = Duration.nanoseconds(Int64(min(max(nanoseconds, 1_000_000), 3.6e12)))
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            next += interval
            do { try await clock.sleep(until: next) } catch { return }
            let behind = simulated.now.milliseconds(since: await state.now)
            if behind > 0 { _ = await state.advance(byMilliseconds: behind) }
        }
    }

    /// Stops the real-time clock: the model stays as it is, and the API goes on serving it.
    public func stopClock() async {
        let clock = tasks.withLockedValue { $0.dropFirst().first }
        clock?.cancel()
        await clock?.value
    }

    /// Stops the clock, ends every watch and connection, and returns when all have ended.
    public func stop() async {
        let tasks = self.tasks.withLockedValue { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in tasks.dropFirst() { task.cancel() }
        await state.endAllWatches(abort: false)
        http.close()
        for task in tasks { await task.value }
    }

    // MARK: The model

    /// Advances the model by `milliseconds` of simulated time and publishes what it showed (for a
    /// manual clock; with a real-time clock this adds a step of its own).
    @discardableResult
    public func advance(byMilliseconds milliseconds: Int64) async -> StepOutput {
        await state.advance(byMilliseconds: milliseconds)
    }

    /// The simulated time.
    public var now: Timestamp {
        get async { await state.now }
    }

    /// Returns once the simulated time has reached `time` (the clock must be moving).
    public func waitUntil(simulatedTime time: Timestamp) async throws {
        while await state.now < time {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The model as it is now, for a test to compare with what the server serves.
    public var simulation: ClusterSimulation {
        get async { await state.simulation }
    }

    // MARK: Objects, directly

    /// The pods the server serves, in namespace/name order.
    public var pods: [PodObservation] {
        get async { await state.servedPods() }
    }

    /// The newest resourceVersion given out.
    public var resourceVersion: UInt64 {
        get async { await state.store.resourceVersion }
    }

    /// Open watches.
    public var openWatchCount: Int {
        state.openWatches.withLockedValue { $0 }
    }

    /// Creates or updates pods without the model (no kubelet acts on them); a pod without a UID
    /// gets one. Each pod is one change with its own resourceVersion.
    public func putPods(_ pods: [PodObservation]) async {
        await state.putPods(pods)
    }

    /// Deletes a pod (a model pod's ReplicaSet does not replace it unless it is evicted); false
    /// when there is none.
    @discardableResult
    public func deletePod(namespace: String, name: String) async -> Bool {
        await state.deletePod(ObjectKey(namespace: namespace, name: name))
    }

    /// Creates or updates a VPA's spec (its status is kept).
    public func putVPA(_ vpa: VPAObservation) async {
        await state.putVPA(vpa)
    }

    /// Records a memory-pressure eviction as an `Evicted` Event with the kubelet's annotations.
    public func recordEviction(_ eviction: EvictionObservation) async {
        await state.recordEviction(eviction)
    }

    /// Creates or replaces an object from its JSON (`metadata.namespace` and `metadata.name` required),
    /// as a LimitRange, an Event, a Lease or a VPA would be written by another client.
    ///
    /// - Throws: `SimulatedAPIError` when the JSON is not an object of that resource.
    public func putObject(_ resource: SimulatedResource, json: String) async throws(SimulatedAPIError) {
        do throws(APIError) {
            try await state.putObject(resource.type, json: JSON.parseForAPI(Array(json.utf8)))
        } catch {
            throw SimulatedAPIError(message: error.message)
        }
    }

    /// Deletes an object; false when there is none.
    @discardableResult
    public func deleteObject(_ resource: SimulatedResource, namespace: String, name: String) async -> Bool {
        await state.delete(resource.type, ObjectKey(namespace: namespace, name: name)) != nil
    }

    /// What clients did through the API so far.
    public var counters: SimulatedAPICounters {
        get async {
            var counters = await state.counters
            counters.containersAdmittedWithRecommendation = state.admittedContainers.withLockedValue { $0 }
            return counters
        }
    }

    /// Injects a fault (also reachable as `POST /simulator/faults`).
    public func inject(_ fault: SimulatorFault) async {
        await state.inject(fault)
    }
}
