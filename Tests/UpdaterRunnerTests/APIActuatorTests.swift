import Foundation
import SimulatedClusterSupport
import Testing
import UpdaterRunner
import VPAModel

/// The requests `--actuate api` sends, and how it reads the API's refusals.
@Suite struct APIActuatorTests {
    static let pod = PodObservation(uid: "uid-web-0", namespace: "shop", name: "web-0", phase: "Running", containers: [
        ContainerObservation(name: "app", desired: ResourceRequirements(
            requests: ResourceList(cpuMillicores: 250, memoryBytes: 256 * mebibyte),
            limits: ResourceList(cpuMillicores: 500, memoryBytes: 512 * mebibyte))),
    ])
    static let target = ResizeRequest.Target(container: "app", resources: ResourceRequirements(
        requests: ResourceList(cpuMillicores: 300, memoryBytes: 300 * mebibyte)))

    /// The resize subresource gets kubectl's JSON patch, as a JSON patch.
    @Test func resizePatchesTheResizeSubresource() async throws {
        let api = RecordingAPI()
        try await APIActuator(api: api).resize(Self.pod, targets: [Self.target])
        #expect(api.requests == [RecordingAPI.Request(
            method: "PATCH", path: "/api/v1/namespaces/shop/pods/web-0/resize", contentType: "application/json-patch+json",
            body: """
                [{"op":"add","path":"/spec/containers/0/resources/requests/cpu","value":"300m"},\
                {"op":"add","path":"/spec/containers/0/resources/requests/memory","value":"314572800"}]
                """)])
    }

    @Test func evictionPostsAPolicyV1Eviction() async throws {
        let api = RecordingAPI()
        try await APIActuator(api: api).evict(Self.pod)
        #expect(api.requests == [RecordingAPI.Request(
            method: "POST", path: "/api/v1/namespaces/shop/pods/web-0/eviction", contentType: "application/json",
            body: #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web-0","namespace":"shop"}}"#)])
    }

    /// 429 on an eviction is a PodDisruptionBudget's refusal; 404 a pod gone; anything else fails with
    /// the API's message.
    @Test func refusalsAreTold() async throws {
        let api = RecordingAPI()
        let actuator = APIActuator(api: api)
        api.answer { _ in 429 }
        await #expect(throws: ActuationError.evictionRefused(
            pod: "shop/web-0",
            message: "POST /api/v1/namespaces/shop/pods/web-0/eviction: Cannot evict pod as it would violate the pod's disruption budget.")) {
            try await actuator.evict(Self.pod)
        }
        api.answer { _ in 404 }
        await #expect(throws: ActuationError.podGone(pod: "shop/web-0")) { try await actuator.evict(Self.pod) }
        await #expect(throws: ActuationError.podGone(pod: "shop/web-0")) {
            try await actuator.resize(Self.pod, targets: [Self.target])
        }
        api.answer { _ in 422 }
        do {
            try await actuator.resize(Self.pod, targets: [Self.target])
            Issue.record("expected the resize to fail")
        } catch {
            #expect("\(error)".contains("the resize of pod shop/web-0 failed"))
            #expect("\(error)".contains("422 Invalid"))
        }
        // A resize answered 429 (the API server's own rate limit) is a failure, not a PDB refusal.
        api.answer { _ in 429 }
        await #expect(throws: ActuationError.self) { try await actuator.resize(Self.pod, targets: [Self.target]) }
    }
}
