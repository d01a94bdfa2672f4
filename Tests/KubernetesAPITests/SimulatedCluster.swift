import Foundation
import KubernetesAPI
import KubernetesJSON
import Logging
import Simulator
import SimulatorAPI
import VPAModel

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// `count` running pods `shop/pod-N` with one container each.
func samplePods(_ range: Range<Int>, memoryMebibytes: Int64 = 128, namespace: String = "shop") -> [PodObservation] {
    range.map { index in
        let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: 100, memoryBytes: memoryMebibytes << 20))
        return PodObservation(uid: "uid-\(namespace)-\(index)", namespace: namespace, name: "pod-\(index)",
                              phase: "Running", nodeName: "node-a",
                              containers: [ContainerObservation(name: "app", desired: resources,
                                                                status: ContainerStatusObservation(resources: resources,
                                                                                                   state: .running(startedAt: nil)))])
    }
}

/// Collects a reflector's output for a test to look at.
actor ReflectorLog {
    private(set) var outputs: [ReflectorOutput] = []

    func append(_ output: ReflectorOutput) { outputs.append(output) }

    var lists: [(version: String, isRelist: Bool)] {
        outputs.compactMap { if case .listed(let version, let relist, _) = $0 { (version, relist) } else { nil } }
    }
    var listPages: [[APIItem]] {
        outputs.compactMap { if case .listPage(let items, _) = $0 { items } else { nil } }
    }
    var events: [(WatchEventType, APIItem)] {
        outputs.compactMap { if case .event(let type, let item) = $0 { (type, item) } else { nil } }
    }
    var incidents: [ReflectorIncident] {
        outputs.compactMap { if case .incident(let incident) = $0 { incident } else { nil } }
    }
    var bookmarks: Int {
        outputs.filter { if case .bookmark = $0 { true } else { false } }.count
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    if try await condition() { return }
    throw WaitTimedOut(what: what)
}

struct WaitTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `work` in a task while `body` runs, then cancels it and waits for it to end.
func whileRunning(_ work: @escaping @Sendable () async -> Void, _ body: () async throws -> Void) async throws {
    let task = Task { await work() }
    do {
        try await body()
    } catch {
        task.cancel()
        await task.value
        throw error
    }
    task.cancel()
    await task.value
}
