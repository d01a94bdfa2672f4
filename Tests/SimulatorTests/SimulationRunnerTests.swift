import Logging
import Simulator
import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

@Suite("Simulation runner against a real store")
struct SimulationRunnerTests {
    @Test("an hour of the standard scenario fills the store with pods, usage, OOM kills and resizes, and decisions come back",
          arguments: StoreTransport.allCases)
    func standardHour(transport: StoreTransport) async throws {
        try await withStore(transport) { client in
            let runner = try SimulationRunner(store: client, scenario: .standardDemo(), logger: TestServer.quietLogger)
            let clock = ContinuousClock()
            let started = clock.now
            var afterStepTimes: [Timestamp] = []
            let recorder = TimeRecorder()
            let summary = try await runner.run(steps: 60, afterStep: { time in await recorder.record(time) })
            let elapsed = clock.now - started
            afterStepTimes = await recorder.times
            #expect(afterStepTimes.count == 60 && afterStepTimes.last == minute(60))
            #expect(summary.simulatedMilliseconds == 60 * minuteMilliseconds && summary.steps == 60)

            // Pods: 3 web + 3 api + 2 worker + 1 batch live, with status resources.
            let pods = try await client.allPods()
            #expect(pods.count == 9)
            #expect(Set(pods.map(\.pod.namespace)) == ["shop", "jobs"])
            #expect(pods.allSatisfy { $0.resources.allSatisfy { $0.source == .status } })
            let vpas = try await client.vpas().vpas
            #expect(vpas.count == 4)
            for record in pods {
                #expect(vpas.contains { $0.vpa.manages(record.pod) })
            }

            // Usage: one sample per running pod per minute.
            let usage = try await allEvents(client, type: .usageSampled)
            #expect(usage.count == summary.cluster.usageSamples && usage.count >= 60 * 9)

            // OOM kills: both workers near minute 45, at the memory limit they had.
            let kills = try await client.oomKills().kills
            #expect(kills.count == summary.cluster.oomKills && kills.count == 2)
            #expect(kills.allSatisfy { $0.kill.kind == .previous && $0.kill.memoryLimitBytes == 512 * mebibyte })

            // Resize transitions the store derived from the kubelet's conditions.
            let transitions = try await allEvents(client, type: .resizeTransition).compactMap { record -> ResizeTransition? in
                if case .resizeTransition(let transition) = record.event.body { return transition } else { return nil }
            }
            let states = Set(transitions.map(\.to))
            #expect(states.isSuperset(of: [.pendingDeferred, .pendingInfeasible, .inProgress, .inProgressError, .completed]))
            #expect(transitions.allSatisfy { $0.initiator != .vpa })
            #expect(transitions.contains { $0.initiator == .manual })
            let resizing = try await client.resizes(ResizesRequest(now: minute(60))).resizes
            #expect(Set(resizing.map(\.state)) == [.pendingInfeasible, .inProgress])
            #expect(summary.resizeTransitionsDerived == transitions.count && summary.oomKillsDerived == 2)

            // The updater's decisions come back: an in-place resize of web replica 2 and an eviction of api replica 0.
            let cluster = await runner.cluster
            let web = try #require(cluster.pod(PodSelector(workload: "web", replica: 2)))
            let api = try #require(cluster.pod(PodSelector(workload: "api", replica: 0)))
            let wanted = ResourceRequirements(requests: ResourceList(cpuMillicores: 250, memoryBytes: 350 * mebibyte),
                                              limits: ResourceList(cpuMillicores: 500, memoryBytes: 700 * mebibyte))
            _ = try await client.append(AppendRequest(events: [
                AppendEvent(podKey: web.uid ?? "", occurredAt: minute(60), body: .resizeRequested(ResizeRequest(
                    targets: [ResizeRequest.Target(container: "app", resources: wanted)], reason: "test"))),
                AppendEvent(podKey: web.uid ?? "", occurredAt: minute(60), body: .updaterDecision(UpdaterDecisionRecord(
                    action: .resizeInPlace, reason: "test", vpa: "shop/web", updateMode: .inPlaceOrRecreate))),
                AppendEvent(podKey: api.uid ?? "", occurredAt: minute(60), body: .updaterDecision(UpdaterDecisionRecord(
                    action: .evict, reason: "test", vpa: "shop/api", updateMode: .inPlaceOrRecreate))),
            ]))
            try await runner.step()
            try await runner.step()
            let after = await runner.summary
            #expect(after.resizeRequestsApplied == 1 && after.evictionsApplied == 1 && after.decisionsIgnored == 0)
            let resized = try await client.actualResources(ActualResourcesRequest(namespace: "shop", pod: web.name)).containers
            #expect(resized.first?.actual == wanted && resized.first?.resizeState == .completed)
            let webTransitions = try await allEvents(client, type: .resizeTransition, pod: PodKey(namespace: "shop", name: web.name))
            #expect(webTransitions.contains { record in
                if case .resizeTransition(let transition) = record.event.body { return transition.initiator == .vpa }
                return false
            })
            let live = try await client.allPods(namespace: "shop").map(\.pod)
            #expect(!live.contains { $0.uid == api.uid })
            #expect(live.filter { $0.owners.first?.name == api.owners.first?.name }.count == 3)

            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("standard demo against a store: 60 simulated minutes in \(seconds) s = \(Int(60 / max(seconds, 1e-9))) simulated minutes per second; \(summary)")
            await client.close()
        }
    }

    private func allEvents(_ client: any StoreAPI, type: EventType, pod: PodKey? = nil) async throws -> [EventRecord] {
        var records: [EventRecord] = []
        var position: Int64 = 1
        while true {
            let page = try await client.readEvents(ReadEventsRequest(fromPosition: position, limit: 5000,
                                                                     selector: EventSelector(pod: pod, type: type)))
            records += page.events
            guard page.nextPosition > position, page.nextPosition <= page.headPosition else { return records }
            position = page.nextPosition
        }
    }
}

/// Collects the times `afterStep` was called with.
actor TimeRecorder {
    var times: [Timestamp] = []
    func record(_ time: Timestamp) { times.append(time) }
}
