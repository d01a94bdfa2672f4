import Simulator
import Testing
import VPAModel

@Suite("Containers, OOM kills, evictions and manual resizes")
struct ContainerLifecycleTests {
    @Test("a container whose memory passes its limit is OOM-killed, restarts and starts using memory again")
    func oomKill() throws {
        // 100Mi + 10Mi a minute against a 400Mi limit: 410Mi at minute 31.
        var cluster = try ClusterSimulation(scenario: smallScenario(
            replicas: 1, resources: resources(cpu: 500, memoryMi: 256, memoryLimitMi: 400),
            usage: .memoryGrowth(cpuMillicores: 100, startMemoryBytes: 100 * mebibyte, bytesPerMinute: 10 * mebibyte,
                                 plateauBytes: nil, noise: 0)))
        let before = cluster.advance(byMilliseconds: 30 * minuteMilliseconds)
        #expect(before.usage.last?.sample.containers.first?.memoryBytes == 400 * mebibyte)
        #expect(cluster.counters.oomKills == 0)

        let output = cluster.advance(byMilliseconds: minuteMilliseconds)
        let pod = try #require(cluster.app(0))
        let status = try #require(pod.main?.status)
        #expect(status.restartCount == 1)
        #expect(status.state == .running(startedAt: minute(31)))
        #expect(status.lastState == .terminated(reason: "OOMKilled", exitCode: 137, startedAt: minute(0), finishedAt: minute(31)))
        #expect(output.usage.last?.sample.containers.first?.memoryBytes == 100 * mebibyte)
        #expect(cluster.counters.oomKills == 1)
        // The store's rule sees a "previous" OOM with the memory of the observation before.
        let previous = try #require(before.podObservations.last?.pod)
        let kills = OOMDetector.kills(previous: previous, current: pod, readsStatus: true, observedAt: minute(31))
        #expect(kills.map(\.kind) == [.previous])
        #expect(kills.first?.at == minute(31))
        #expect(kills.first?.memoryLimitBytes == 400 * mebibyte)

        _ = cluster.advance(byMilliseconds: 31 * minuteMilliseconds)
        #expect(cluster.app(0)?.main?.status?.restartCount == 2)
    }

    @Test("CPU usage is throttled to the enacted CPU limit")
    func cpuThrottled() throws {
        var cluster = try ClusterSimulation(scenario: smallScenario(
            replicas: 1, usage: .steady(cpuMillicores: 5000, memoryBytes: 100 * mebibyte, noise: 0)))
        let output = cluster.advance(byMilliseconds: minuteMilliseconds)
        #expect(output.usage.first?.sample.containers.first?.cpuMillicores == 1000)
        #expect(output.usage.first?.sample.windowMilliseconds == 60_000)
    }

    @Test("an evicted pod is replaced with a new UID and name, with the admission hook's resources")
    func evictionRecreates() throws {
        var cluster = try ClusterSimulation(scenario: smallScenario())
        let first = cluster.advance(byMilliseconds: minuteMilliseconds)
        #expect(first.batches.first?.observations.first == .vpa(VPAObservation(
            namespace: "test", name: "app", uid: "vpa-test-app", targetKind: "Deployment", targetName: "app",
            updateMode: .inPlaceOrRecreate)))
        let old = try #require(cluster.app(0))
        let vpa = try #require(cluster.vpaObservations.first)
        #expect(vpa.manages(old))

        cluster.admission = AdmissionPolicy.hook(recommendations: ["test/app": PublishedRecommendation(containers: [
            ContainerRecommendation(container: "main", target: ResourceList(cpuMillicores: 250, memoryBytes: 300 * mebibyte),
                                    lowerBound: ResourceList(), upperBound: ResourceList(), uncappedTarget: ResourceList()),
        ])])
        #expect(cluster.evict(podUID: old.uidOrEmpty) == true)
        #expect(cluster.evict(podUID: old.uidOrEmpty) == false)
        let output = cluster.advance(byMilliseconds: minuteMilliseconds)
        #expect(output.deletedPods.map(\.uid) == [old.uid])

        let new = try #require(cluster.app(0))
        #expect(new.uid != old.uid && new.name != old.name)
        let replicaSet = try #require(old.owners.first?.name)
        #expect(new.owners.first?.name == replicaSet && new.name.hasPrefix(replicaSet + "-"))
        #expect(vpa.manages(new))
        #expect(new.startTime == minute(1) && new.phase == "Running")
        // Requests = target; limits keep the template's 2:1 ratio.
        let wanted = resources(cpu: 250, memoryMi: 300, cpuLimit: 500, memoryLimitMi: 600)
        #expect(new.main?.desired == wanted && new.main?.status?.resources == wanted)
        #expect(cluster.counters.podsEvicted == 1 && cluster.counters.podsCreated == 3)
    }

    @Test("a scripted manual resize changes the desired resources and completes in place")
    func manualResize() throws {
        let wanted = resources(cpu: 800, memoryMi: 512, cpuLimit: 1000, memoryLimitMi: 1024)
        var cluster = try ClusterSimulation(scenario: smallScenario(events: [
            ScenarioEvent(afterMilliseconds: 90_000, .resize(PodSelector(workload: "app", replica: 1), container: "main",
                                                            resources: wanted)),
        ]))
        let output = cluster.advance(byMilliseconds: 3 * minuteMilliseconds)
        let target = try #require(cluster.app(1))
        let seen = output.podObservations.filter { $0.pod.uid == target.uid }.map(\.at)
        // Created, resize started at 1m30s, completed 30 s later.
        #expect(seen == [minute(0), Timestamp(unixMilliseconds: minute(1).unixMilliseconds + 30_000), minute(2)])
        #expect(target.generation == 2)
        #expect(target.main?.status?.resources == wanted)
        #expect(cluster.counters.manualResizes == 1 && cluster.counters.vpaResizes == 0)
        #expect(cluster.counters.resizesCompleted == 1)
    }

    @Test("a resize the API server would reject, or one of a gone pod, changes nothing")
    func rejectedResizes() throws {
        var cluster = try ClusterSimulation(scenario: smallScenario())
        let pod = try #require(cluster.app(0))
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                       targets: mainTarget(resources(cpu: 2000, memoryMi: 512, cpuLimit: 1000))) == false)
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty,
                                       targets: [ResizeRequest.Target(container: "nope", resources: resources(cpu: 1, memoryMi: 1))]) == false)
        #expect(cluster.requestResize(podUID: pod.uidOrEmpty, targets: mainTarget(pod.main?.desired ?? ResourceRequirements())) == false)
        #expect(cluster.requestResize(podUID: "no-such-pod", targets: mainTarget(resources(cpu: 1, memoryMi: 1))) == false)
        #expect(cluster.app(0)?.generation == 1)
    }

    @Test("an invalid scenario is refused with a sentence that says what to fix")
    func invalidScenario() {
        var scenario = smallScenario(events: [.at(minute: 1, .scale(workload: "nope", replicas: 1))])
        #expect(throws: ScenarioError.unknownWorkload("nope")) { try ClusterSimulation(scenario: scenario) }
        scenario = smallScenario()
        scenario.workloads[0].nodeNames = ["node-9"]
        #expect(throws: ScenarioError.unknownNode("node-9", usedBy: "app")) { try ClusterSimulation(scenario: scenario) }
        #expect(ScenarioError.unknownNode("node-9", usedBy: "app").description.contains("add it or fix the name"))
    }
}
