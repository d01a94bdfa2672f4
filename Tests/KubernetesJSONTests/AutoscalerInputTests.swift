import KubernetesJSON
import Testing
import VPAModel

/// VerticalPodAutoscaler objects and metrics.k8s.io PodMetrics, as kubectl prints them.
struct AutoscalerInputTests {
    @Test func aVPADecodesItsTargetModeMinReplicasAndPolicies() throws {
        let objects = try decode("""
            apiVersion: autoscaling.k8s.io/v1
            kind: VerticalPodAutoscaler
            metadata: {name: web, namespace: shop, uid: 9c1e}
            spec:
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              updatePolicy: {updateMode: InPlaceOrRecreate, minReplicas: 1}
              resourcePolicy:
                containerPolicies:
                - containerName: '*'
                  minAllowed: {cpu: 100m, memory: 50Mi}
                  maxAllowed: {cpu: 1, memory: 500Mi}
                - containerName: sidecar
                  mode: "Off"
            """)
        let expected = VPAObservation(
            namespace: "shop", name: "web", uid: "9c1e", targetKind: "Deployment", targetName: "web",
            updateMode: .inPlaceOrRecreate, minReplicas: 1, containerPolicies: [
                ContainerResourcePolicy(containerName: "*", minAllowed: ResourceList(cpuMillicores: 100, memoryBytes: 50 * mebibyte),
                                        maxAllowed: ResourceList(cpuMillicores: 1000, memoryBytes: 500 * mebibyte)),
                ContainerResourcePolicy(containerName: "sidecar", scalingOff: true),
            ])
        #expect(objects == [.vpa(expected)])
        #expect(expected.policy(for: "app")?.containerName == "*")
        #expect(expected.policy(for: "sidecar")?.scalingOff == true)
    }

    @Test func aVPAWithoutUpdatePolicyIsRecreateAsUpstreamDefaults() throws {
        let objects = try decode("""
            {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscalerList", "items": [
              {"metadata": {"name": "db", "namespace": "data"},
               "spec": {"targetRef": {"kind": "StatefulSet", "name": "db"}}}]}
            """, file: "vpas.json")
        guard case .vpa(let vpa) = try #require(objects.first) else { Issue.record("not a VPA: \(objects)"); return }
        #expect(vpa.updateMode == .recreate)
        #expect(vpa.targetKind == "StatefulSet")
        #expect(vpa.minReplicas == nil)
    }

    @Test func anUnknownUpdateModeNamesTheField() {
        let error = decodeError("""
            kind: VerticalPodAutoscaler
            metadata: {name: web, namespace: shop}
            spec:
              targetRef: {kind: Deployment, name: web}
              updatePolicy: {updateMode: Sometimes}
            """)
        #expect(error?.description.contains("spec.updatePolicy.updateMode") == true)
        #expect(error?.description.contains("Sometimes") == true)
    }

    @Test func aDeletedVPAFromAWatch() throws {
        let objects = try decode("""
            {"type": "DELETED", "object": {"kind": "VerticalPodAutoscaler", "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"targetRef": {"kind": "Deployment", "name": "web"}}}}
            """, file: "watch.json")
        guard case .vpaDeleted(let vpa) = try #require(objects.first) else { Issue.record("\(objects)"); return }
        #expect(vpa.name == "web")
    }

    @Test func podMetricsGiveUsageInMillicoresAndBytes() throws {
        let objects = try decode("""
            {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "items": [
              {"metadata": {"name": "web-0", "namespace": "shop"}, "timestamp": "2026-11-02T09:00:30Z", "window": "1m0.5s",
               "containers": [{"name": "app", "usage": {"cpu": "123456789n", "memory": "262144Ki"}},
                              {"name": "sidecar", "usage": {"cpu": "0", "memory": "0"}}]}]}
            """, file: "metrics.json")
        let expected = UsageObservation(namespace: "shop", pod: "web-0", sample: UsageSample(
            at: try timestamp("2026-11-02T09:00:30Z"), windowMilliseconds: 60_500,
            containers: [.init(name: "app", cpuMillicores: 124, memoryBytes: 256 * mebibyte),
                         .init(name: "sidecar", cpuMillicores: 0, memoryBytes: 0)]))
        #expect(objects == [.usage(expected)])
    }

    @Test func podMetricsWithoutATimestampOrWithABadWindowAreRefused() {
        let noTime = decodeError("""
            {"kind": "PodMetrics", "metadata": {"name": "web-0", "namespace": "shop"}, "window": "30s", "containers": []}
            """, file: "m.json")
        #expect(noTime?.description.contains("timestamp") == true)
        let badWindow = decodeError("""
            {"kind": "PodMetrics", "metadata": {"name": "web-0", "namespace": "shop"}, "timestamp": "2026-11-02T09:00:30Z",
             "window": "half a minute", "containers": []}
            """, file: "m.json")
        #expect(badWindow?.description.contains("window") == true)
    }
}
