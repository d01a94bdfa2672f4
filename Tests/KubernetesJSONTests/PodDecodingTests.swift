import KubernetesJSON
import Testing
import VPAModel

@Suite("Pod fields")
struct PodDecodingTests {
    @Test("a PodList as kubectl prints it, with every noise field")
    func podList() throws {
        let objects = try decodeFixture("podlist.json")
        let decoded = pods(objects)
        #expect(objects.count == 4)
        #expect(decoded.map(\.name) == ["coredns-5d78c9869d-q8x2m", "checkout-6b7f9d-x2k4p", "prometheus-k8s-0",
                                        "nightly-report-29361840-7wq9z"])
        #expect(decoded.map(\.namespace) == ["kube-system", "shop", "monitoring", "batch"])

        let coredns = decoded[0]
        #expect(coredns.uid == "c0ffee00-1111-4222-8333-444455556666")
        #expect(coredns.nodeName == "kind-control-plane")
        #expect(coredns.phase == "Running")
        #expect(coredns.startTime == (try timestamp("2026-10-30T14:02:11Z")))
        #expect(coredns.owners == [OwnerReference(kind: "ReplicaSet", name: "coredns-5d78c9869d",
                                                  uid: "c0ffee00-aaaa-4bbb-8ccc-000000000001", controller: true)])
        #expect(coredns.resizeConditions.isEmpty)  // Ready, PodScheduled, … are not resize conditions
        #expect(coredns.generation == nil)
        let dns = try #require(coredns.container(named: "coredns"))
        #expect(dns.desired == ResourceRequirements(requests: ResourceList(cpuMillicores: 100, memoryBytes: 70 * mebibyte),
                                                    limits: ResourceList(memoryBytes: 170 * mebibyte)))
        #expect(dns.status?.resources == dns.desired)
        #expect(dns.status?.allocatedResources == ResourceList(cpuMillicores: 100, memoryBytes: 70 * mebibyte))

        // Status entries listed in another order than the spec are matched by name.
        let checkout = decoded[1]
        #expect(checkout.containers.map(\.name) == ["checkout", "envoy", "wait-for-db"])
        let app = try #require(checkout.container(named: "checkout"))
        #expect(app.status?.resources?.limits == ResourceList(cpuMillicores: 1000, memoryBytes: gibibyte))
        #expect(app.status?.restartCount == 2)
        #expect(app.status?.lastState == .terminated(reason: "OOMKilled", exitCode: 137,
                                                     startedAt: try timestamp("2026-10-30T14:02:40Z"),
                                                     finishedAt: try timestamp("2026-10-30T14:03:02Z")))
        #expect(checkout.container(named: "envoy")?.status?.resources?.requests == ResourceList(cpuMillicores: 50, memoryBytes: 64 * mebibyte))
        let initContainer = try #require(checkout.container(named: "wait-for-db", type: .`init`))
        #expect(initContainer.status?.state?.terminationReason == "Completed")
        #expect(initContainer.status?.resources?.limits == ResourceList())

        // A kubelet without in-place resize reports no `resources`: nil, not empty.
        let prometheus = decoded[2]
        #expect(prometheus.container(named: "prometheus")?.status != nil)
        #expect(prometheus.container(named: "prometheus")?.status?.resources == nil)
        #expect(prometheus.container(named: "config-reloader")?.status?.resources != nil)
        #expect(prometheus.owners.first?.kind == "StatefulSet")

        #expect(decoded[3].phase == "Succeeded")
        #expect(decoded[3].container(named: "report")?.status?.state?.isTerminated == true)
    }

    @Test("resources: {} in a status is an empty block; no resources is nil")
    func emptyVersusAbsentResources() throws {
        let yaml = """
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: with-empty
              - name: without
              - name: no-status
            status:
              containerStatuses:
              - name: with-empty
                resources: {}
                allocatedResources: {}
              - name: without
              - name: not-in-spec
                resources: {requests: {cpu: "not even a quantity"}}
            """
        let pod = try singlePod(decode(yaml))
        let withEmpty = try #require(pod.container(named: "with-empty")?.status)
        #expect(withEmpty.resources == ResourceRequirements())
        #expect(withEmpty.allocatedResources == ResourceList())
        let without = try #require(pod.container(named: "without")?.status)
        #expect(without.resources == nil)
        #expect(without.allocatedResources == nil)
        #expect(pod.container(named: "no-status")?.status == nil)
        #expect(pod.containers.count == 3)  // the status of a container not in the spec is not read
        #expect(pod.container(named: "without")?.desired == ResourceRequirements())
    }

    @Test("the same in a list fixture: a BestEffort pod whose kubelet reports resources: {}")
    func emptyResourcesInList() throws {
        let decoded = pods(try decodeFixture("list.yaml"))
        let shell = try #require(decoded.first { $0.name == "debug-shell" }?.container(named: "shell"))
        #expect(shell.desired == ResourceRequirements())
        #expect(shell.status?.resources == ResourceRequirements())
    }

    @Test("quantities may be numbers, in YAML and in JSON")
    func quantitiesAsNumbers() throws {
        let yaml = """
            kind: Pod
            metadata: {name: numbers}
            spec:
              containers:
              - name: app
                resources:
                  requests: {cpu: 2, memory: 1024}
                  limits: {cpu: 0.5, memory: 1e3, nvidia.com/gpu: 1}
            """
        let pod = try singlePod(decode(yaml))
        #expect(pod.containers[0].desired == ResourceRequirements(requests: ResourceList(cpuMillicores: 2000, memoryBytes: 1024),
                                                                  limits: ResourceList(cpuMillicores: 500, memoryBytes: 1000)))
        let json = #"{"kind":"Pod","metadata":{"name":"n"},"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":2,"memory":1024}}}]}}"#
        let fromJSON = try singlePod(decode(json, file: "n.json"))
        #expect(fromJSON.containers[0].desired.requests == ResourceList(cpuMillicores: 2000, memoryBytes: 1024))
    }

    @Test("unknown fields are ignored, and null is the same as absent")
    func unknownFieldsAndNulls() throws {
        let json = """
            {"kind": "Pod", "apiVersion": "v1", "futureField": {"deeply": [1, {"x": null}]},
             "metadata": {"name": "p", "namespace": null, "uid": null, "creationTimestamp": null, "whatever": true},
             "spec": {"nodeName": null, "containers": [{"name": "c", "resources": null, "newThing": 7}]},
             "status": {"phase": null, "startTime": null, "conditions": null, "containerStatuses": [
               {"name": "c", "resources": null, "state": {"running": null}, "lastState": null, "restartCount": null}]}}
            """
        let pod = try singlePod(decode(json, file: "p.json"))
        #expect(pod.namespace == "default")
        #expect(pod.uid == nil)
        #expect(pod.nodeName == nil)
        #expect(pod.phase == nil)
        let status = try #require(pod.containers.first?.status)
        #expect(status.resources == nil)
        #expect(status.state == nil)  // a state whose only member is null is an empty state
        #expect(status.restartCount == 0)
    }

    @Test("owner references, generation and node name")
    func metadataFields() throws {
        let pod = try singlePod(decode("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-7d9c5-abcde
              namespace: shop
              uid: 6f1c1f4e-0000-4000-8000-000000000001
              generation: 4
              ownerReferences:
              - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9c5, uid: rs-uid, controller: true, blockOwnerDeletion: true}
              - {kind: Other, name: x}
            spec:
              nodeName: node-a
            status:
              observedGeneration: 3
            """))
        #expect(pod.generation == 4)
        #expect(pod.observedGeneration == 3)
        #expect(pod.nodeName == "node-a")
        #expect(pod.owners == [OwnerReference(kind: "ReplicaSet", name: "web-7d9c5", uid: "rs-uid", controller: true),
                               OwnerReference(kind: "Other", name: "x")])
        #expect(pod.containers.isEmpty)
    }

    @Test("resize conditions: PodResizePending/Deferred, PodResizeInProgress/Error, legacy status.resize")
    func resizeConditions() throws {
        let decoded = pods(try decodeFixture("resize-conditions.yaml"))
        try #require(decoded.count == 3)

        #expect(decoded[0].resizeConditions == [PodCondition(
            type: PodCondition.resizePending, status: "True", reason: "Deferred",
            message: "Node didn't have enough resources: cpu, requested: 2000, used: 3500, capacity: 4000",
            lastTransitionTime: try timestamp("2026-10-30T18:10:00Z"), observedGeneration: 3)])
        #expect(decoded[0].legacyResizeStatus == nil)
        #expect(decoded[0].generation == 3)
        #expect(decoded[0].observedGeneration == 3)
        // Desired (spec) 2 CPUs, actual (status) still 1.
        #expect(decoded[0].containers[0].desired.requests.cpuMillicores == 2000)
        #expect(decoded[0].containers[0].status?.resources?.requests.cpuMillicores == 1000)

        #expect(decoded[1].resizeConditions == [PodCondition(
            type: PodCondition.resizeInProgress, status: "True", reason: "Error",
            message: "failed to update container resources: cgroup v1 memory limit below usage",
            lastTransitionTime: try timestamp("2026-10-30T18:11:00Z"), observedGeneration: 3)])

        #expect(decoded[2].resizeConditions.isEmpty)
        #expect(decoded[2].legacyResizeStatus == "InProgress")
    }

    @Test("container states: running, terminated, waiting, and empty")
    func containerStates() throws {
        let pod = try singlePod(decode("""
            kind: Pod
            metadata: {name: states}
            spec:
              containers: [{name: a}, {name: b}, {name: c}, {name: d}]
            status:
              containerStatuses:
              - {name: a, state: {running: {}}, lastState: {}}
              - {name: b, state: {waiting: {reason: CrashLoopBackOff, message: back-off 5m0s}},
                 lastState: {terminated: {exitCode: 137, reason: OOMKilled, startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:01:00.250Z"}}}
              - {name: c, state: {terminated: {exitCode: 1}}}
              - {name: d, restartCount: 5}
            """))
        #expect(pod.container(named: "a")?.status?.state == .running(startedAt: nil))
        #expect(pod.container(named: "a")?.status?.lastState == nil)
        #expect(pod.container(named: "b")?.status?.state == .waiting(reason: "CrashLoopBackOff"))
        #expect(pod.container(named: "b")?.status?.lastState == .terminated(
            reason: "OOMKilled", exitCode: 137, startedAt: try timestamp("2026-01-01T00:00:00Z"),
            finishedAt: Timestamp(unixMilliseconds: try timestamp("2026-01-01T00:01:00Z").unixMilliseconds + 250)))
        #expect(pod.container(named: "c")?.status?.state == .terminated(reason: nil, exitCode: 1, startedAt: nil, finishedAt: nil))
        #expect(pod.container(named: "d")?.status?.state == nil)
        #expect(pod.container(named: "d")?.status?.restartCount == 5)
    }

    @Test("YAML plain numbers may stand for strings, as kubectl apply accepts them")
    func lenientYAMLStrings() throws {
        let pod = try singlePod(decode("""
            kind: Pod
            metadata: {name: 2024, namespace: shop}
            """))
        #expect(pod.name == "2024")
    }

    @Test("an unquoted YAML bool where a string belongs is an error, not a silent \"true\"")
    func unquotedBool() throws {
        let error = try #require(decodeError("""
            kind: Pod
            metadata: {name: p}
            status:
              conditions:
              - {type: PodResizePending, status: True, reason: Infeasible}
            """))
        #expect(error.fieldPath == "status.conditions[0].status")
        #expect(error.message.hasPrefix("expected a string, found a bool"))
    }
}
