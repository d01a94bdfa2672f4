import Simulator
import Testing
import VPAModel

@Suite("Kubelet in-place resize")
struct KubeletResizeTests {
    @Test("a resize that fits goes in progress and completes after its duration")
    func completesAfterDuration() throws {
        var cluster = try ClusterSimulation(scenario: smallScenario(resizeSeconds: 30))
        _ = cluster.advance(byMilliseconds: minuteMilliseconds)
        let pod = try #require(cluster.app(0))
        let wanted = resources(cpu: 700, memoryMi: 512, cpuLimit: 1000, memoryLimitMi: 1024)
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty, targets: mainTarget(wanted)) == true)

        let output = cluster.advance(byMilliseconds: minuteMilliseconds)
        let seen = output.podObservations.filter { $0.pod.uid == pod.uid }
        try #require(seen.count == 2)
        // At the step's start: allocated, actuating.
        #expect(seen[0].at == minute(1))
        #expect(seen[0].pod.generation == 2)
        #expect(seen[0].pod.main?.desired == wanted)
        #expect(seen[0].pod.main?.status?.resources == pod.main?.desired)
        let progress = try #require(seen[0].pod.condition(PodCondition.resizeInProgress))
        #expect(progress.reason == "" && progress.message == "" && progress.status == "True")
        #expect(seen[0].pod.observedResize?.state == .inProgress)
        // 30 s later: enacted, conditions gone.
        #expect(seen[1].at == Timestamp(unixMilliseconds: minute(1).unixMilliseconds + 30_000))
        #expect(seen[1].pod.resizeConditions.isEmpty)
        #expect(seen[1].pod.main?.status?.resources == wanted)
        #expect(cluster.counters.resizesCompleted == 1)
    }

    @Test("a resize without room now is Deferred, and goes ahead when another pod leaves")
    func deferredUntilRoomFrees() throws {
        // 2000m node, two pods of 500m: 1500m is free for pod 0, which wants 1600m.
        var cluster = try ClusterSimulation(scenario: smallScenario())
        _ = cluster.advance(byMilliseconds: minuteMilliseconds)
        let pod = try #require(cluster.app(0))
        let other = try #require(cluster.app(1))
        let wanted = resources(cpu: 1600, memoryMi: 512, cpuLimit: 2000, memoryLimitMi: 1024)
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty, targets: mainTarget(wanted)) == true)

        _ = cluster.advance(byMilliseconds: 5 * minuteMilliseconds)
        var now = try #require(cluster.app(0))
        let pending = try #require(now.condition(PodCondition.resizePending))
        #expect(pending.reason == "Deferred")
        #expect(pending.message == "Node didn't have enough resource: cpu, requested: 1600, used: 500, capacity: 2000")
        #expect(pending.lastTransitionTime == minute(1))
        #expect(now.main?.status?.resources?.requests.cpuMillicores == 500)
        #expect(cluster.counters.resizesDeferred == 1)

        // The other pod goes: the kubelet admits the resize at once; the replacement cannot be
        // scheduled next to the grown pod (the scheduler counts its desired requests).
        #expect(cluster.evict(podUID: other.uidOrEmpty) == true)
        let output = cluster.advance(byMilliseconds: minuteMilliseconds)
        let first = try #require(output.podObservations.first { $0.pod.uid == pod.uid })
        #expect(first.at == minute(6))
        #expect(first.pod.condition(PodCondition.resizePending) == nil)
        #expect(first.pod.observedResize?.state == .inProgress)
        now = try #require(cluster.app(0))
        #expect(now.resizeConditions.isEmpty)
        #expect(now.main?.status?.resources == wanted)
        let replacement = try #require(cluster.app(1))
        #expect(replacement.phase == "Pending" && replacement.nodeName == nil)
        #expect(cluster.counters.resizesDeferred == 1 && cluster.counters.resizesCompleted == 1)
    }

    @Test("a resize beyond the node's capacity is Infeasible and stays so")
    func infeasibleBeyondCapacity() throws {
        var cluster = try ClusterSimulation(scenario: smallScenario())
        _ = cluster.advance(byMilliseconds: minuteMilliseconds)
        let pod = try #require(cluster.app(0))
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                      targets: mainTarget(resources(cpu: 500, memoryMi: 6144, memoryLimitMi: 8192))) == true)
        _ = cluster.advance(byMilliseconds: 30 * minuteMilliseconds)
        let now = try #require(cluster.app(0))
        let pending = try #require(now.condition(PodCondition.resizePending))
        #expect(pending.reason == "Infeasible")
        #expect(pending.message == "Node didn't have enough capacity: memory, requested: \(6144 * mebibyte), capacity: \(4096 * mebibyte)")
        #expect(now.observedResize?.state == .pendingInfeasible)
        #expect(now.main?.status?.resources?.requests.memoryBytes == 512 * mebibyte)
        #expect(cluster.counters.resizesInfeasible == 1)
        #expect(cluster.allocatedRequests(onNode: "node-1").memoryBytes == 1024 * mebibyte)
    }

    @Test("stuck and failed resizes come in the configured fractions, the same for the same seed")
    func faultFractions() throws {
        func run(seed: UInt64) throws -> (SimulationCounters, [PodObservation]) {
            var cluster = try ClusterSimulation(scenario: smallScenario(nodeCPU: 400_000, nodeMemoryMi: 400_000, replicas: 200,
                                                                       stuckFraction: 0.3, errorFraction: 0.2, seed: seed))
            _ = cluster.advance(byMilliseconds: minuteMilliseconds)
            for pod in cluster.pods(ofWorkload: "app") {
                cluster.requestResize(podUID: pod.uidOrEmpty,
                                      targets: mainTarget(resources(cpu: 600, memoryMi: 512, cpuLimit: 1000, memoryLimitMi: 1024)))
            }
            _ = cluster.advance(byMilliseconds: 120 * minuteMilliseconds)
            return (cluster.counters, cluster.pods(ofWorkload: "app"))
        }
        let (counters, pods) = try run(seed: 42)
        #expect(counters.vpaResizes == 200)
        #expect(counters.resizesStuck + counters.resizesErrored + counters.resizesCompleted == 200)
        #expect((40...80).contains(counters.resizesStuck))
        #expect((20...60).contains(counters.resizesErrored))
        // Long after their duration: stuck ones still in progress (no reason), failed ones Error.
        #expect(pods.filter { $0.observedResize?.state == .inProgress }.count == counters.resizesStuck)
        let failed = pods.filter { $0.observedResize?.state == .inProgressError }
        #expect(failed.count == counters.resizesErrored)
        #expect(failed.allSatisfy { $0.condition(PodCondition.resizeInProgress)?.reason == "Error" })

        let (again, podsAgain) = try run(seed: 42)
        #expect(again == counters && podsAgain == pods)
        let (other, _) = try run(seed: 43)
        #expect(other != counters)
    }

    @Test("a memory limit below current usage is refused with Error and retried; a new resize replaces it")
    func memoryLimitDecreaseBelowUsage() throws {
        // Usage is a steady 300Mi; the limit is 1Gi.
        var cluster = try ClusterSimulation(scenario: smallScenario(replicas: 1))
        _ = cluster.advance(byMilliseconds: minuteMilliseconds)
        let pod = try #require(cluster.app(0))
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                      targets: mainTarget(resources(cpu: 500, memoryMi: 200, cpuLimit: 1000, memoryLimitMi: 256))) == true)
        _ = cluster.advance(byMilliseconds: 10 * minuteMilliseconds)
        var now = try #require(cluster.app(0))
        let progress = try #require(now.condition(PodCondition.resizeInProgress))
        #expect(progress.reason == "Error")
        #expect(progress.message == "attempting to set pod memory limit (\(256 * mebibyte)) below current usage (\(300 * mebibyte))")
        #expect(now.observedResize?.state == .inProgressError)
        #expect(now.main?.status?.resources?.limits.memoryBytes == 1024 * mebibyte)
        // The kubelet admitted it: the node counts the smaller request already.
        #expect(cluster.allocatedRequests(onNode: "node-1").memoryBytes == 200 * mebibyte)
        #expect(cluster.counters.resizesErrored == 1 && cluster.counters.memoryLimitDecreasesBlocked == 1)

        // A limit above usage goes through.
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                      targets: mainTarget(resources(cpu: 500, memoryMi: 200, cpuLimit: 1000, memoryLimitMi: 400))) == true)
        _ = cluster.advance(byMilliseconds: minuteMilliseconds)
        now = try #require(cluster.app(0))
        #expect(now.resizeConditions.isEmpty)
        #expect(now.main?.status?.resources?.limits.memoryBytes == 400 * mebibyte)
        #expect(cluster.counters.resizesErrored == 1 && cluster.counters.resizesCompleted == 1)
    }

    @Test("a blocked memory-limit decrease completes once an OOM kill resets usage")
    func memoryLimitDecreaseAfterRestart() throws {
        // 100Mi + 10Mi a minute against a 400Mi limit: killed at minute 31.
        var cluster = try ClusterSimulation(scenario: smallScenario(
            replicas: 1, resources: resources(cpu: 500, memoryMi: 256, memoryLimitMi: 400),
            usage: .memoryGrowth(cpuMillicores: 100, startMemoryBytes: 100 * mebibyte, bytesPerMinute: 10 * mebibyte,
                                 plateauBytes: nil, noise: 0)))
        _ = cluster.advance(byMilliseconds: 20 * minuteMilliseconds)
        let pod = try #require(cluster.app(0))
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                      targets: mainTarget(resources(cpu: 500, memoryMi: 256, memoryLimitMi: 280))) == true)
        _ = cluster.advance(byMilliseconds: 10 * minuteMilliseconds)
        #expect(cluster.app(0)?.observedResize?.state == .inProgressError)
        _ = cluster.advance(byMilliseconds: 2 * minuteMilliseconds)
        let now = try #require(cluster.app(0))
        #expect(now.main?.status?.restartCount == 1)
        #expect(now.resizeConditions.isEmpty)
        #expect(now.main?.status?.resources?.limits.memoryBytes == 280 * mebibyte)
    }

    @Test("a new resize requested while one is deferred is re-evaluated, and both conditions show mid-resize")
    func newResizeMidResize() throws {
        var cluster = try ClusterSimulation(scenario: smallScenario(resizeSeconds: 600, events: [
            .at(minute: 1, .injectResizeFault(PodSelector(workload: "app", replica: 0), .stuck)),
        ]))
        _ = cluster.advance(byMilliseconds: 2 * minuteMilliseconds)
        let pod = try #require(cluster.app(0))
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                      targets: mainTarget(resources(cpu: 600, memoryMi: 512, cpuLimit: 1000, memoryLimitMi: 1024))) == true)
        _ = cluster.advance(byMilliseconds: minuteMilliseconds)
        #expect(cluster.app(0)?.observedResize?.state == .inProgress)
        #expect(cluster.counters.resizesStuck == 1)
        // Too big to fit now: pending Deferred on top of the stuck actuation.
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                      targets: mainTarget(resources(cpu: 1600, memoryMi: 512, cpuLimit: 2000, memoryLimitMi: 1024))) == true)
        _ = cluster.advance(byMilliseconds: minuteMilliseconds)
        let now = try #require(cluster.app(0))
        #expect(now.resizeConditions.map(\.type) == [PodCondition.resizePending, PodCondition.resizeInProgress])
        #expect(now.observedResize?.state == .pendingDeferred)
    }
}
