import Foundation
import KubernetesJSON
import Testing
import VPAModel

/// The files in examples/ are the README's tour: they must keep decoding, to what the tour says.
@Suite("examples/")
struct ExamplesTests {
    static let directory = examplesDirectory()

    static func read(_ name: String) throws -> [KubernetesObject] {
        let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
        return try KubernetesInput.decode(bytes, file: "examples/\(name)")
    }

    @Test("every file in examples/ decodes without error")
    func everyExampleDecodes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .filter { $0 != "alerts.yaml" }  // Prometheus rules, not Kubernetes objects: PromtoolMetricsTests checks them
            .sorted()
        #expect(names.count >= 7)
        for name in names {
            let objects = try Self.read(name)
            #expect(!objects.isEmpty, "\(name) decoded to nothing")
        }
    }

    static let oldResources = ResourceRequirements(requests: ResourceList(cpuMillicores: 250, memoryBytes: 256 * mebibyte),
                                                   limits: ResourceList(cpuMillicores: 500, memoryBytes: 512 * mebibyte))
    static let newResources = ResourceRequirements(requests: ResourceList(cpuMillicores: 500, memoryBytes: 384 * mebibyte),
                                                   limits: ResourceList(cpuMillicores: 1000, memoryBytes: 768 * mebibyte))

    @Test("the tour: running, deferred, in progress, done")
    func resizeTour() throws {
        let running = pods(try Self.read("01-pods.json"))
        #expect(running.map(\.name) == ["web-7d9c5-abcde", "web-7d9c5-fghij"])
        #expect(running.map(\.uid) == ["6f1c1f4e-0000-4000-8000-000000000001", "6f1c1f4e-0000-4000-8000-000000000002"])
        #expect(running.allSatisfy { $0.namespace == "shop" && $0.owners.first?.name == "web-7d9c5" })
        for pod in running {
            let app = try #require(pod.container(named: "app"))
            #expect(app.desired == Self.oldResources)
            #expect(app.status?.resources == Self.oldResources)
        }
        #expect(running[0].container(named: "migrate", type: .`init`) != nil)

        let deferred = try singlePod(Self.read("02-resize-deferred.yaml"))
        #expect(deferred.generation == 2)
        #expect(deferred.observedGeneration == 2)
        #expect(deferred.container(named: "app")?.desired == Self.newResources)
        #expect(deferred.container(named: "app")?.status?.resources == Self.oldResources)
        #expect(deferred.resizeConditions.map(\.type) == [PodCondition.resizePending])
        #expect(deferred.resizeConditions.first?.reason == "Deferred")
        #expect(deferred.resizeConditions.first?.message ==
                "Node didn't have enough resources: cpu, requested: 500, used: 3800, capacity: 4000")

        let inProgress = try singlePod(Self.read("03-resize-in-progress.yaml"))
        #expect(inProgress.resizeConditions.map(\.type) == [PodCondition.resizeInProgress])
        #expect(inProgress.resizeConditions.first?.reason == "")
        #expect(inProgress.container(named: "app")?.status?.allocatedResources == Self.newResources.requests)
        #expect(inProgress.container(named: "app")?.status?.resources == Self.oldResources)

        let done = try singlePod(Self.read("04-resize-done.yaml"))
        #expect(done.resizeConditions.isEmpty)
        #expect(done.container(named: "app")?.status?.resources == Self.newResources)
    }

    @Test("the OOM kill, the eviction and the watch")
    func oomEvictionWatch() throws {
        let oom = try singlePod(Self.read("05-oom-killed.yaml"))
        let status = try #require(oom.container(named: "app")?.status)
        #expect(status.restartCount == 1)
        #expect(status.state?.isRunning == true)
        #expect(status.lastState?.terminationReason == "OOMKilled")
        #expect(status.lastState?.finishedAt == (try timestamp("2026-11-02T09:41:07Z")))
        #expect(status.resources == Self.oldResources)

        let events = try Self.read("06-evicted-events.json")
        try #require(events.count == 2)
        guard case .eviction(let eviction) = events[0] else { Issue.record("\(events[0])"); return }
        #expect(eviction.podName == "web-7d9c5-fghij")
        #expect(eviction.podUID == "6f1c1f4e-0000-4000-8000-000000000002")
        #expect(eviction.offenders == [.init(container: "app", usageBytes: 498 * mebibyte)])
        if case .ignored(kind: "Event", _) = events[1] {} else { Issue.record("\(events[1])") }

        let watch = try Self.read("07-watch.json")
        try #require(watch.count == 3)
        guard case .pod(let added) = watch[0], case .pod(let modified) = watch[1], case .podDeleted(let deleted) = watch[2] else {
            Issue.record("\(watch)"); return
        }
        #expect([added.name, modified.name, deleted.name] == Array(repeating: "web-7d9c5-klmno", count: 3))
        #expect(added.phase == "Pending")
        #expect(added.nodeName == nil)
        #expect(modified.nodeName == "node-a")
        #expect(deleted.uid == "6f1c1f4e-0000-4000-8000-000000000003")
    }
}
