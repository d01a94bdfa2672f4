import Foundation
import KubernetesJSON
import NIOHTTP1
import SimulatorAPI
import SimulatedClusterSupport
import Testing
import VPAModel

@Suite("The real-time clock")
struct ClockTests {
    @Test("A real-time clock advances the model step by step at its speed, and watches see the changes")
    func realTime() async throws {
        try await withSimulatedAPI(scenario: smallScenario(), configure: { $0.clock = .realTime(stepMilliseconds: 1000, speed: 20) }) { server, client, _ in
            // The clock is published in the kubeconfig, for a feed to stamp observed_at with it.
            let kubeconfig = try String(contentsOfFile: server.kubeconfigPath, encoding: .utf8)
            #expect(kubeconfig.contains("- name: \(SimulatedClock.extensionName)") && kubeconfig.contains(#"speed: "20.0""#))
            let start = await server.now
            let watch = try await client.watch("/api/v1/pods?watch=true&resourceVersion=\(await server.resourceVersion)")
            let name = try #require(await server.pods.first?.name)
            let patched = try await client.send(.PATCH, "/api/v1/namespaces/shop/pods/\(name)/resize",
                                                body: #"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"250m"}}}]}}"#,
                                                contentType: "application/strategic-merge-patch+json")
            #expect(patched.status == 200)
            // 20 simulated seconds a second: the 2 s resize is done within a real second or so.
            try await server.waitUntil(simulatedTime: start.advanced(byMilliseconds: 10_000))
            // The model follows the published clock: simulated start + wall time elapsed × speed.
            let elapsed = await server.now.milliseconds(since: start)
            #expect(elapsed >= 10_000)
            #expect(await watch.wait { lines in
                lines.contains { field($0, "object", "status", "containerStatuses", "0", "resources", "requests", "cpu") as? String == "250m" }
            })
            let pods = try KubernetesInput.decode(try await client.get("/api/v1/namespaces/shop/pods/\(name)").body, file: "pod")
            guard case .pod(let pod)? = pods.first else {
                Issue.record("not a pod")
                return
            }
            #expect(pod.containers.first?.status?.resources?.requests.cpuMillicores == 250)
            watch.cancel()
        }
    }
}
