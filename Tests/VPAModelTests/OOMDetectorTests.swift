import Testing
import VPAModel

/// DESIGN §3.3, upstream pkg/recommender/input/oom/observer_test.go.
struct OOMDetectorTests {
    static let t0 = try! Timestamp(rfc3339: "2018-02-23T13:00:00Z")
    static let killedAt = try! Timestamp(rfc3339: "2018-02-23T13:38:48Z")

    static func pod(restarts: Int32, state: ContainerState, lastState: ContainerState? = nil, specMemory: Int64 = 1024,
                    statusMemory: Int64? = nil) -> PodObservation {
        PodObservation(namespace: "mockNamespace", name: "Pod1", containers: [ContainerObservation(
            name: "Name11", desired: ResourceRequirements(requests: ResourceList(memoryBytes: specMemory)),
            status: ContainerStatusObservation(
                resources: statusMemory.map { ResourceRequirements(requests: ResourceList(memoryBytes: $0)) },
                restartCount: restarts, state: state, lastState: lastState))])
    }

    static let oomTerminated = ContainerState.terminated(reason: "OOMKilled", exitCode: 137, startedAt: nil, finishedAt: killedAt)

    @Test func previousOOMUsesTheOldObservation() throws {
        let old = Self.pod(restarts: 0, state: .running(startedAt: Self.t0), statusMemory: 2048)
        let new = Self.pod(restarts: 1, state: .running(startedAt: nil), lastState: Self.oomTerminated, statusMemory: 4096)
        let kills = OOMDetector.kills(previous: old, current: new, readsStatus: true, observedAt: Self.t0)
        let kill = try #require(kills.first)
        #expect(kills.count == 1)
        #expect(kill.kind == .previous)
        #expect(kill.at == Self.killedAt)
        #expect(kill.memoryRequestBytes == 2048)
        #expect(kill.source == .status)
    }

    @Test func newOOMUsesTheNewObservation() throws {
        let old = Self.pod(restarts: 0, state: .running(startedAt: Self.t0), statusMemory: 1024)
        let new = Self.pod(restarts: 0, state: Self.oomTerminated, statusMemory: 2048)
        let kill = try #require(OOMDetector.kills(previous: old, current: new, readsStatus: true, observedAt: Self.t0).first)
        #expect(kill.kind == .new)
        #expect(kill.memoryRequestBytes == 2048)
    }

    @Test func specRequestWhenNoStatusResources() throws {
        let old = Self.pod(restarts: 0, state: .running(startedAt: Self.t0))
        let new = Self.pod(restarts: 1, state: .running(startedAt: nil), lastState: Self.oomTerminated)
        let kill = try #require(OOMDetector.kills(previous: old, current: new, readsStatus: true, observedAt: Self.t0).first)
        #expect(kill.memoryRequestBytes == 1024)
        #expect(kill.source == .specFallback)
    }

    @Test func otherTerminationReasonsAreNotOOMs() {
        let old = Self.pod(restarts: 0, state: .running(startedAt: Self.t0))
        let new = Self.pod(restarts: 1, state: .running(startedAt: nil),
                           lastState: .terminated(reason: "Error", exitCode: 1, startedAt: nil, finishedAt: Self.killedAt))
        #expect(OOMDetector.kills(previous: old, current: new, readsStatus: true, observedAt: Self.t0).isEmpty)
    }

    @Test func crashLoopToRunningIsNotCountedAgain() {
        let old = Self.pod(restarts: 1, state: .waiting(reason: "CrashLoopBackOff"), lastState: Self.oomTerminated)
        let new = Self.pod(restarts: 2, state: .running(startedAt: nil), lastState: Self.oomTerminated)
        #expect(OOMDetector.kills(previous: old, current: new, readsStatus: true, observedAt: Self.t0).isEmpty)
    }

    @Test func terminatedTwiceWithoutRestartIsOneKill() {
        let pod = Self.pod(restarts: 0, state: Self.oomTerminated)
        #expect(OOMDetector.kills(previous: pod, current: pod, readsStatus: true, observedAt: Self.t0).isEmpty)
    }

    @Test func evictionNamesUsageAndActualResources() throws {
        let eviction = EvictionObservation(eventKey: "e1", podNamespace: "mockNamespace", podName: "Pod1", podUID: nil,
                                           at: Self.killedAt, offenders: [.init(container: "Name11", usageBytes: 4096)])
        let pod = Self.pod(restarts: 0, state: .running(startedAt: nil), statusMemory: 2048)
        let kill = try #require(OOMDetector.kills(from: eviction, pod: pod, readsStatus: true).first)
        #expect(kill.kind == .eviction)
        #expect(kill.usageBytes == 4096)
        #expect(kill.memoryRequestBytes == 2048)
    }
}
