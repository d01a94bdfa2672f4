import KubernetesJSON
import Testing
import VPAModel

/// The upstream VPA inputs beyond pods and VPAs: LimitRanges, VerticalPodAutoscalerCheckpoints,
/// and the VPA fields capping and per-VPA configuration read
/// (vertical-pod-autoscaler/pkg/apis/autoscaling.k8s.io/v1/types.go).
struct UpstreamParityInputTests {
    @Test func vpaPolicyFieldsDecode() throws {
        let objects = try decode("""
            apiVersion: autoscaling.k8s.io/v1
            kind: VerticalPodAutoscaler
            metadata: {name: web, namespace: shop}
            spec:
              targetRef: {kind: Deployment, name: web}
              updatePolicy:
                updateMode: Recreate
                evictAfterOOMSeconds: 300
                evictionRequirements:
                - resources: [cpu, memory]
                  changeRequirement: TargetHigherThanRequests
              resourcePolicy:
                containerPolicies:
                - containerName: app
                  controlledResources: [memory]
                  controlledValues: RequestsOnly
                  oomBumpUpRatio: "1.5"
                  oomMinBumpUp: 200Mi
                  memoryAggregationIntervalSeconds: 3600
                  memoryAggregationIntervalCount: 12
                - containerName: sidecar
                  controlledResources: []
            """)
        guard case .vpa(let vpa) = try #require(objects.first) else { Issue.record("not a VPA: \(objects)"); return }
        #expect(vpa.evictAfterOOMSeconds == 300)
        #expect(vpa.evictionRequirements == [EvictionRequirement(resources: [.cpu, .memory], change: .targetHigherThanRequests)])
        let app = try #require(vpa.policy(for: "app"))
        #expect(app.controlledResources == [.memory])
        #expect(app.controls(.memory) && !app.controls(.cpu))
        #expect(app.controlledValues == .requestsOnly)
        #expect(app.oomBumpUpRatio == 1.5)
        #expect(app.oomMinBumpUpBytes == 200 * mebibyte)
        #expect(app.memoryAggregationIntervalSeconds == 3600)
        #expect(app.memoryAggregationIntervalCount == 12)
        // An empty list controls nothing; an absent one controls both.
        #expect(vpa.policy(for: "sidecar")?.controlledResources == [])
        #expect(vpa.policy(for: "sidecar")?.controls(.cpu) == false)
        #expect(ContainerResourcePolicy(containerName: "x").controls(.cpu))
    }

    @Test(arguments: [
        ("controlledValues: Sometimes", "controlledValues", "unknown controlled values \"Sometimes\""),
        ("controlledResources: [gpu]", "controlledResources[0]", "unknown resource \"gpu\" (expected cpu or memory)"),
        ("oomBumpUpRatio: \"0.5\"", "oomBumpUpRatio", "must be at least 1"),
        ("memoryAggregationIntervalSeconds: 0", "memoryAggregationIntervalSeconds", "must be positive"),
    ])
    func badPolicyFieldsNameTheField(line: String, field: String, message: String) throws {
        let error = try #require(decodeError("""
            kind: VerticalPodAutoscaler
            metadata: {name: web, namespace: shop}
            spec:
              targetRef: {kind: Deployment, name: web}
              resourcePolicy:
                containerPolicies:
                - containerName: app
                  \(line)
            """))
        #expect(error.fieldPath == "spec.resourcePolicy.containerPolicies[0].\(field)")
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.line == 8)
    }

    @Test func limitRangesDecodeContainerAndPodItems() throws {
        let objects = try decode("""
            {"apiVersion": "v1", "kind": "LimitRangeList", "items": [
              {"metadata": {"name": "limits", "namespace": "shop"},
               "spec": {"limits": [
                 {"type": "Container", "min": {"memory": "64Mi"}, "max": {"cpu": "2", "memory": "4Gi"},
                  "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "100m"}, "maxLimitRequestRatio": {"cpu": "4"}},
                 {"type": "Pod", "max": {"cpu": "4"}},
                 {"type": "PersistentVolumeClaim", "max": {"storage": "10Gi"}}]}}]}
            """, file: "limitranges.json")
        #expect(objects == [.limitRange(LimitRangeObservation(namespace: "shop", name: "limits", items: [
            .init(type: .container, min: ResourceList(memoryBytes: 64 * mebibyte),
                  max: ResourceList(cpuMillicores: 2000, memoryBytes: 4 * gibibyte), defaultLimit: ResourceList(cpuMillicores: 500)),
            .init(type: .pod, max: ResourceList(cpuMillicores: 4000)),
        ]))])
        let deleted = try decode("""
            {"type": "DELETED", "object": {"kind": "LimitRange", "metadata": {"name": "limits", "namespace": "shop"}}}
            """, file: "watch.json")
        #expect(deleted == [.limitRangeDeleted(LimitRangeObservation(namespace: "shop", name: "limits", items: []))])
    }

    /// A checkpoint as upstream's recommender writes it (checkpoint_writer.go; bucket weights keyed
    /// by decimal index as Go encodes `map[int]uint32`).
    @Test func upstreamCheckpointDecodes() throws {
        let objects = try decode("""
            {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscalerCheckpointList", "items": [
              {"metadata": {"name": "web-app", "namespace": "shop"},
               "spec": {"vpaObjectName": "web", "containerName": "app"},
               "status": {"lastUpdateTime": "2026-12-04T10:00:00Z", "version": "v3",
                 "cpuHistogram": {"referenceTimestamp": "2026-12-04T00:00:00Z", "bucketWeights": {"3": 10000, "4": 512}, "totalWeight": 144.5},
                 "memoryHistogram": {"referenceTimestamp": "2026-12-05T00:00:00Z", "bucketWeights": {"40": 10000}, "totalWeight": 1.9},
                 "firstSampleStart": "2026-12-01T00:00:00Z", "lastSampleStart": "2026-12-04T09:59:00Z", "totalSamplesCount": 5000}}]}
            """, file: "checkpoints.json")
        let expected = UpstreamCheckpointObservation(namespace: "shop", vpaName: "web", containerName: "app", checkpoint: ContainerCheckpoint(
            cpuHistogram: HistogramCheckpoint(referenceTimestamp: try Timestamp(rfc3339: "2026-12-04T00:00:00Z"),
                                              bucketWeights: [3: 10_000, 4: 512], totalWeight: 144.5),
            memoryHistogram: HistogramCheckpoint(referenceTimestamp: try Timestamp(rfc3339: "2026-12-05T00:00:00Z"),
                                                 bucketWeights: [40: 10_000], totalWeight: 1.9),
            firstSampleStart: try Timestamp(rfc3339: "2026-12-01T00:00:00Z"),
            lastSampleStart: try Timestamp(rfc3339: "2026-12-04T09:59:00Z"), totalSamplesCount: 5000))
        #expect(objects == [.upstreamCheckpoint(expected)])
    }

    @Test func anOldCheckpointVersionSaysWhatToDo() throws {
        let error = try #require(decodeError("""
            kind: VerticalPodAutoscalerCheckpoint
            metadata: {name: web-app, namespace: shop}
            spec: {vpaObjectName: web, containerName: app}
            status: {version: v2}
            """))
        #expect(error.fieldPath == "status.version")
        #expect(error.message.contains("only v3"))
    }
}

extension UpstreamParityInputTests {
    /// The one annotation kept: `vpaObservedContainers` (an empty value is kept: it observes nothing).
    @Test func vpaObservedContainersAnnotationIsKept() throws {
        let objects = try decode("""
            {"kind": "PodList", "items": [
              {"metadata": {"name": "a", "namespace": "shop", "annotations": {"vpaObservedContainers": "app, sidecar", "other": "x"}}},
              {"metadata": {"name": "b", "namespace": "shop", "annotations": {"vpaObservedContainers": ""}}},
              {"metadata": {"name": "c", "namespace": "shop"}}]}
            """, file: "pods.json")
        #expect(pods(objects).map(\.vpaObservedContainers) == ["app, sidecar", "", nil])
    }
}
