import Logging
import SimulatedClusterSupport
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import Updater
import UpdaterRunner
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// The updater loop over a real server: VPAs and pods in, decisions (and resize requests) out.
@Suite struct UpdaterRunnerTests {
    static func vpa(_ mode: VPAUpdateMode) -> VPAObservation {
        VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web", updateMode: mode)
    }

    static func resources(cpu: Int64, memoryMi: Int64) -> ResourceRequirements {
        ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: memoryMi * mebibyte),
                             limits: ResourceList(cpuMillicores: 2 * cpu, memoryBytes: 2 * memoryMi * mebibyte))
    }

    /// A running pod of the `web` Deployment with one container `app`: `actual` in its status,
    /// `desired` in its spec.
    static func pod(_ name: String, actual: ResourceRequirements, desired: ResourceRequirements? = nil,
                    conditions: [PodCondition] = [], startTime: Timestamp? = nil) -> PodObservation {
        PodObservation(
            uid: "uid-\(name)", namespace: "shop", name: name, phase: "Running", startTime: startTime, nodeName: "node-1",
            owners: [OwnerReference(kind: "ReplicaSet", name: "web-5d8f", uid: "rs-web-5d8f", controller: true)],
            resizeConditions: conditions,
            containers: [ContainerObservation(name: "app", desired: desired ?? actual, status: ContainerStatusObservation(
                resources: actual, restartCount: 0, state: .running(startedAt: minute(0))))])
    }

    static let deferred = [PodCondition(type: PodCondition.resizePending, reason: "Deferred", message: "node is full")]
    static let inProgress = [PodCondition(type: PodCondition.resizeInProgress)]

    /// The recommendation: target 500m / 512 Mi, range [400m, 1000m] / [400 Mi, 1 Gi].
    static let recommendation = PublishedRecommendation(containers: [ContainerRecommendation(
        container: "app", target: ResourceList(cpuMillicores: 500, memoryBytes: 512 * mebibyte),
        lowerBound: ResourceList(cpuMillicores: 400, memoryBytes: 400 * mebibyte),
        upperBound: ResourceList(cpuMillicores: 1000, memoryBytes: 1024 * mebibyte),
        uncappedTarget: ResourceList(cpuMillicores: 500, memoryBytes: 512 * mebibyte))])

    /// At minute 0: the VPA, pod `a` with 250m / 256 Mi (below the range) and pod `b` inside the
    /// range (no start time, so never updated); `a`'s spec asks for the recommendation and its
    /// resize is Deferred when `aConditions` says so. Then the recommendation.
    static func setUp(_ client: any StoreAPI, mode: VPAUpdateMode, aConditions: [PodCondition] = deferred) async throws {
        let below = resources(cpu: 250, memoryMi: 256)
        let inRange = resources(cpu: 500, memoryMi: 512)
        let a = pod("web-5d8f-a", actual: below, desired: aConditions.isEmpty ? below : inRange, conditions: aConditions)
        let b = pod("web-5d8f-b", actual: inRange)
        _ = try await client.ingest(IngestRequest(observedAt: minute(0), inPlaceMode: .enabled,
                                                  observations: [.vpa(vpa(mode)), .pod(a), .pod(b)]))
        _ = try await client.append(AppendRequest(events: [
            AppendEvent(vpaKey: "shop/web", occurredAt: minute(0), body: .recommendationPublished(recommendation)),
        ]))
    }

    static func runner(_ client: any StoreAPI, clock: UpdaterRunnerConfiguration.Clock = .wall,
                       actuator: (any PodActuator)? = nil) -> UpdaterRunner {
        UpdaterRunner(store: client, configuration: UpdaterRunnerConfiguration(clock: clock), actuator: actuator,
                      logger: TestServer.quietLogger)
    }

    /// The `UpdaterDecision`s recorded for pod `name`, in log order.
    static func decisions(_ client: any StoreAPI, pod name: String) async throws -> [UpdaterDecisionRecord] {
        let page = try await client.readEvents(ReadEventsRequest(
            selector: EventSelector(pod: PodKey(namespace: "shop", name: name), type: .updaterDecision)))
        return page.events.compactMap { record in
            if case .updaterDecision(let decision) = record.event.body { return decision }
            return nil
        }
    }

    /// Deferred for 6 minutes > 5: InPlaceOrRecreate evicts.
    @Test func deferredPastTimeoutEvicts() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate)
            let summary = try await Self.runner(client).runOnce(now: minute(6))
            #expect(summary.evictions == 1)
            #expect(summary.pods == 2)
            #expect(summary.decisionsRecorded == 2)
            #expect(summary.description == "loop 1: 1 VPA, 2 pods, 0 resizes, 1 eviction, 0 waiting, 2 decisions recorded")
            let decisions = try await Self.decisions(client, pod: "web-5d8f-a")
            #expect(decisions.map(\.action) == [.evict])
            #expect(decisions.first?.vpa == "shop/web")
            #expect(decisions.first?.updateMode == .inPlaceOrRecreate)
            #expect(decisions.first?.reason.hasPrefix("resize_deferred: resize Deferred for 6m0s > 5m0s") == true)
            #expect(try await Self.decisions(client, pod: "web-5d8f-b").map(\.action) == [UpdaterDecisionRecord.Action.none])
        }
    }

    /// Deferred for 4 minutes: wait.
    @Test func deferredWithinTimeoutWaits() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate)
            let summary = try await Self.runner(client).runOnce(now: minute(4))
            #expect(summary.evictions == 0)
            #expect(summary.waiting == 1)
            let decisions = try await Self.decisions(client, pod: "web-5d8f-a")
            #expect(decisions.map(\.action) == [.wait])
            #expect(decisions.first?.reason.hasPrefix("resize_deferred: resize Deferred for 4m0s, not over 5m0s") == true)
        }
    }

    /// InPlace mode never evicts, however long the resize waits.
    @Test func inPlaceModeNeverEvicts() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlace)
            let runner = Self.runner(client)
            for time: Int64 in [6, 60, 24 * 60] {
                let summary = try await runner.runOnce(now: minute(time))
                #expect(summary.evictions == 0)
                #expect(summary.waiting == 1)
            }
            #expect(try await Self.decisions(client, pod: "web-5d8f-a").map(\.action) == [.wait])
        }
    }

    /// Requests outside the recommended range and no resize: `ResizeRequested` (targets = the
    /// recommendation, limits in the spec's proportion), then the `resize_in_place` decision. The
    /// store then attributes the spec change to the VPA.
    @Test func outsideRangeResizesInPlace() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate, aConditions: [])
            let summary = try await Self.runner(client).runOnce(now: minute(1))
            #expect(summary.resizes == 1)
            let podA = EventSelector(pod: PodKey(namespace: "shop", name: "web-5d8f-a"))
            let page = try await client.readEvents(ReadEventsRequest(selector: podA))
            let bodies = page.events.map(\.event.body).filter { $0.type == .resizeRequested || $0.type == .updaterDecision }
            #expect(bodies.map(\.type) == [.resizeRequested, .updaterDecision])
            guard case .resizeRequested(let request)? = bodies.first, case .updaterDecision(let decision)? = bodies.last else {
                Issue.record("expected ResizeRequested then UpdaterDecision, got \(bodies)")
                return
            }
            #expect(request.requestedBy == "vpa-updater")
            #expect(request.targets == [ResizeRequest.Target(container: "app", resources: Self.resources(cpu: 500, memoryMi: 512))])
            #expect(decision.action == .resizeInPlace)
            #expect(decision.reason.hasPrefix("outside_recommended_range: resizing in place"))

            // The kubelet takes the new spec: the store says the VPA started this resize.
            let resized = Self.pod("web-5d8f-a", actual: Self.resources(cpu: 250, memoryMi: 256),
                                   desired: Self.resources(cpu: 500, memoryMi: 512), conditions: Self.inProgress)
            _ = try await client.ingest(IngestRequest(observedAt: minute(2), observations: [.pod(resized)]))
            let resize = try await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "web-5d8f-a"),
                                                                         now: minute(2)))
            #expect(resize.resize.state == .inProgress)
            #expect(resize.resize.initiator == .vpa)
        }
    }

    /// The resize clock is the store's: a new runner (a restarted updater) that never saw minute 0
    /// evicts at minute 6.
    @Test func restartedUpdaterKeepsTheClock() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate)
            #expect(try await Self.runner(client).runOnce(now: minute(4)).waiting == 1)
            let restarted = Self.runner(client)
            let summary = try await restarted.runOnce(now: minute(6))
            #expect(summary.evictions == 1)
            #expect(try await Self.decisions(client, pod: "web-5d8f-a").map(\.action) == [.wait, .evict])
        }
    }

    /// Only changed decisions are recorded: the same decision again (its elapsed time aside) appends
    /// nothing.
    @Test func unchangedDecisionsAreNotRecordedAgain() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate)
            let runner = Self.runner(client)
            #expect(try await runner.runOnce(now: minute(3)).decisionsRecorded == 2)
            #expect(try await runner.runOnce(now: minute(4)).decisionsRecorded == 0)
            #expect(try await runner.runOnce(now: minute(6)).decisionsRecorded == 1)
            #expect(try await Self.decisions(client, pod: "web-5d8f-a").map(\.action) == [.wait, .evict])
            #expect(try await Self.decisions(client, pod: "web-5d8f-b").count == 1)
        }
    }

    /// With `--now-from-log`, now is the latest `occurredAt` at the end of the log.
    @Test func nowFromLog() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate)
            _ = try await client.ingest(IngestRequest(observations: [.usage(UsageObservation(
                namespace: "shop", pod: "web-5d8f-b", sample: UsageSample(
                    at: minute(6), windowMilliseconds: 60_000,
                    containers: [.init(name: "app", cpuMillicores: 400, memoryBytes: 400 * mebibyte)])))]))
            let summary = try await Self.runner(client, clock: .log).runOnce()
            #expect(summary.now == minute(6))
            #expect(summary.evictions == 1)
        }
    }

    /// A resize the cluster rejects falls back to eviction in InPlaceOrRecreate mode, recorded as its
    /// own decision.
    @Test func failedResizeFallsBackToEviction() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate, aConditions: [])
            let actuator = RecordingActuator(failResizes: true)
            let summary = try await Self.runner(client, actuator: actuator).runOnce(now: minute(1))
            #expect(summary.actuationFailures == 1)
            #expect(summary.actuated == 1)
            #expect(await actuator.calls == ["resize shop/web-5d8f-a", "evict shop/web-5d8f-a"])
            let decisions = try await Self.decisions(client, pod: "web-5d8f-a")
            #expect(decisions.map(\.action) == [.resizeInPlace, .evict])
            #expect(decisions.last?.reason.contains("in-place resize failed") == true)
        }
    }

    /// With an actuator that works, the plan's resizes are carried out.
    @Test func actuatorCarriesOutResizes() async throws {
        try await withStore(.inProcess) { client in
            try await Self.setUp(client, mode: .inPlaceOrRecreate, aConditions: [])
            let actuator = RecordingActuator(failResizes: false)
            let summary = try await Self.runner(client, actuator: actuator).runOnce(now: minute(1))
            #expect(summary.actuated == 1)
            #expect(summary.actuationFailures == 0)
            #expect(await actuator.calls == ["resize shop/web-5d8f-a"])
        }
    }
}

/// An actuator that records what it was asked to do, and can refuse resizes.
actor RecordingActuator: PodActuator {
    let failResizes: Bool
    private(set) var calls: [String] = []

    init(failResizes: Bool) {
        self.failResizes = failResizes
    }

    func resize(_ pod: PodObservation, targets: [ResizeRequest.Target]) async throws {
        calls.append("resize \(pod.namespace)/\(pod.name)")
        if failResizes {
            throw ActuationError.commandFailed(command: "kubectl patch", status: 1, output: "Forbidden: NodeCapacity")
        }
    }

    func evict(_ pod: PodObservation) async throws {
        calls.append("evict \(pod.namespace)/\(pod.name)")
    }
}
