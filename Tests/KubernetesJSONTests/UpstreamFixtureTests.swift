import KubernetesJSON
import Testing
import VPAModel

/// The upstream VPA test pods (vertical-pod-autoscaler/pkg/recommender/input/oom/observer_test.go and
/// spec/spec_client_test_util.go), decoded to what upstream's tests expect.
@Suite("Upstream VPA test pods")
struct UpstreamFixtureTests {
    @Test("OOM observer: the pod before the OOM restart")
    func oldPodRunning() throws {
        let pod = try singlePod(decodeFixture("oom-old-pod-running.yaml"))
        #expect(pod.name == "Pod1")
        #expect(pod.namespace == "mockNamespace")
        #expect(pod.uid == nil)
        #expect(pod.streamKey == "mockNamespace/Pod1")
        let container = try #require(pod.container(named: "Name11"))
        #expect(container.desired.requests == ResourceList(memoryBytes: 1024))
        let status = try #require(container.status)
        #expect(status.resources == nil)
        #expect(status.restartCount == 0)
        #expect(status.state == .running(startedAt: try timestamp("2018-02-23T13:00:00Z")))
        #expect(status.lastState == nil)
    }

    @Test("OOM observer: the pod after the OOM restart")
    func newPodAfterOOMRestart() throws {
        let pod = try singlePod(decodeFixture("oom-new-pod-after-oom-restart.yaml"))
        let status = try #require(pod.container(named: "Name11")?.status)
        #expect(status.restartCount == 1)
        #expect(status.state == .running(startedAt: try timestamp("2018-02-23T13:38:50Z")))
        #expect(status.lastState == .terminated(reason: "OOMKilled", exitCode: nil, startedAt: nil,
                                                finishedAt: try timestamp("2018-02-23T13:38:48Z")))
        #expect(status.lastState?.finishedAt == (try timestamp("2018-02-23T13:38:48Z")))
    }

    @Test("spec client: pod2, with status resources on Name23 and Name22-init")
    func specClientPod2() throws {
        let pod = try singlePod(decodeFixture("spec-client-pod2.yaml"))
        #expect(pod.name == "Pod2")
        #expect(pod.namespace == "default")
        #expect(pod.containers.map(\.name) == ["Name21", "Name22", "Name23", "Name21-init", "Name22-init"])
        #expect(pod.containers.map(\.type) == [.container, .container, .container, .`init`, .`init`])

        #expect(pod.container(named: "Name21")?.desired.requests == ResourceList(cpuMillicores: 2000, memoryBytes: 2048 * mebibyte))
        #expect(pod.container(named: "Name22")?.desired.requests == ResourceList(cpuMillicores: 4000, memoryBytes: 4096 * mebibyte))
        #expect(pod.container(named: "Name21")?.status == nil)

        let name23 = try #require(pod.container(named: "Name23"))
        #expect(name23.desired.requests == ResourceList(cpuMillicores: 1, memoryBytes: mebibyte))
        #expect(name23.status?.resources?.requests == ResourceList(cpuMillicores: 30, memoryBytes: 250 * mebibyte))
        #expect(name23.status?.resources?.limits == ResourceList())

        let name21Init = try #require(pod.container(named: "Name21-init", type: .`init`))
        #expect(name21Init.desired.requests == ResourceList(cpuMillicores: 40, memoryBytes: 128 * mebibyte))
        #expect(name21Init.status == nil)

        let name22Init = try #require(pod.container(named: "Name22-init", type: .`init`))
        #expect(name22Init.desired.requests == ResourceList(cpuMillicores: 1, memoryBytes: mebibyte))
        #expect(name22Init.status?.resources?.requests == ResourceList(cpuMillicores: 40, memoryBytes: 350 * mebibyte))
    }
}
