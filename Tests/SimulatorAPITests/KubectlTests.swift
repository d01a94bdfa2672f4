import Foundation
import KubernetesJSON
import Simulator
import SimulatorAPI
import SimulatedClusterSupport
import Testing
import VPAModel

/// The real kubectl judges the API face: it must read what the server serves as it reads a cluster's.
/// A run that cannot find kubectl fails (`Kubectl.Missing`).
@Suite("kubectl against the simulated API", .serialized)
struct KubectlTests {
    private func withKubectl(scenario: Scenario = .standardDemo(),
                             _ body: (SimulatedAPIServer, Kubectl) async throws -> Void) async throws {
        try await withSimulatedAPI(scenario: scenario) { server, _, directory in
            let kubectl = try Kubectl(kubeconfig: server.kubeconfigPath, cacheDirectory: directory + "/kube-cache")
            try await body(server, kubectl)
        }
    }

    private func pods(_ objects: [KubernetesObject]) -> [PodObservation] {
        objects.compactMap { if case .pod(let pod) = $0 { pod } else { nil } }
    }

    @Test("kubectl get pods -A -o json decodes with the project's decoder to the simulator's pods")
    func getPods() async throws {
        try await withKubectl { server, kubectl in
            for _ in 0..<45 { await server.advance(byMilliseconds: 60_000) }
            let output = try await kubectl.run(["get", "pods", "-A", "-o", "json"])
            #expect(output.status == 0, "\(output.stderr)")
            let served = pods(try KubernetesInput.decode(output.stdout, file: "kubectl"))
            let model = await server.simulation.podObservations.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            #expect(served == model)
            #expect(served.count == 9)
        }
    }

    @Test("kubectl get pods -A --watch --output-watch-events -o json receives ADDED, MODIFIED and DELETED")
    func watchPods() async throws {
        try await withKubectl(scenario: smallScenario()) { server, kubectl in
            let watch = try kubectl.start(["get", "pods", "-A", "--watch", "--output-watch-events", "-o", "json"])
            defer { watch.stop() }
            // kubectl prints each event as JSON, compact or indented by version.
            func count(_ type: String) -> Int {
                watch.stdout.replacingOccurrences(of: "\"type\": ", with: "\"type\":").components(separatedBy: "\"type\":\"\(type)\"").count - 1
            }
            func waitFor(_ condition: () -> Bool) async -> Bool {
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline, !condition() { try? await Task.sleep(for: .milliseconds(50)) }
                return condition()
            }
            #expect(await waitFor { count("ADDED") >= 2 }, "kubectl printed: \(watch.stdout)")
            var pod = bulkPods(1)[0]
            await server.putPods([pod])
            pod.phase = "Running"
            await server.putPods([pod])
            await server.deletePod(namespace: pod.namespace, name: pod.name)
            #expect(await waitFor { count("ADDED") >= 3 && count("MODIFIED") >= 1 && count("DELETED") >= 1 })
            watch.stop()
            let output = await watch.finish()
            let objects = try KubernetesInput.decode(output.stdout, file: "kubectl watch")
            #expect(objects.contains { if case .podDeleted(let deleted) = $0 { deleted.name == pod.name } else { false } })
            #expect(pods(objects).contains { $0.name == pod.name && $0.phase == "Running" })
        }
    }

    @Test("kubectl patch --subresource resize changes the pod's spec, and the simulated kubelet enacts it")
    func resize() async throws {
        try await withKubectl(scenario: smallScenario()) { server, kubectl in
            let name = try #require(await server.pods.first?.name)
            let output = try await kubectl.run(["patch", "pod", name, "-n", "shop", "--subresource", "resize", "-p",
                                                #"{"spec":{"containers":[{"name":"app","resources":{"requests":{"memory":"384Mi"}}}]}}"#])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.text.contains("pod/\(name) patched"))
            await server.advance(byMilliseconds: 1000)
            await server.advance(byMilliseconds: 3000)
            let after = try await kubectl.run(["get", "pod", name, "-n", "shop", "-o", "json"])
            let pod = try #require(pods(try KubernetesInput.decode(after.stdout, file: "kubectl")).first)
            #expect(pod.containers.first?.desired.requests.memoryBytes == 384 << 20)
            #expect(pod.containers.first?.status?.resources?.requests.memoryBytes == 384 << 20)
            #expect(pod.resizeConditions.isEmpty)

            let invalid = try await kubectl.run(["patch", "pod", name, "-n", "shop", "--subresource", "resize", "-p",
                                                 #"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"3"}}}]}}"#])
            #expect(invalid.status != 0)
            #expect(invalid.stderr.contains("must be less than or equal to cpu limit"))
        }
    }

    @Test("kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods returns PodMetrics")
    func podMetrics() async throws {
        try await withKubectl(scenario: smallScenario()) { server, kubectl in
            await server.advance(byMilliseconds: 10_000)
            let output = try await kubectl.run(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods"])
            #expect(output.status == 0, "\(output.stderr)")
            let usage = try KubernetesInput.decode(output.stdout, file: "metrics").compactMap { if case .usage(let usage) = $0 { usage } else { nil } }
            #expect(usage.count == 2)
            #expect(usage.allSatisfy { $0.sample.windowMilliseconds == 10_000 && $0.sample.containers.first?.cpuMillicores ?? 0 > 0 })
        }
    }

    @Test("kubectl get vpa -A -o json lists the VPAs")
    func getVPAs() async throws {
        try await withKubectl { server, kubectl in
            let output = try await kubectl.run(["get", "vpa", "-A", "-o", "json"])
            #expect(output.status == 0, "\(output.stderr)")
            let vpas = try KubernetesInput.decode(output.stdout, file: "kubectl").compactMap { if case .vpa(let vpa) = $0 { vpa } else { nil } }
            let model = await server.simulation.vpaObservations.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            #expect(vpas == model)
            #expect(vpas.count == 4)
        }
    }

    @Test("kubectl with a wrong token fails with Unauthorized")
    func wrongToken() async throws {
        try await withKubectl(scenario: smallScenario()) { _, kubectl in
            let output = try await kubectl.run(["--token", "wrong", "get", "pods", "-A"])
            #expect(output.status != 0)
            // kubectl 1.32 says "(Unauthorized)", later ones "(the server has asked for the client to provide credentials)".
            #expect(output.stderr.contains("error: You must be logged in to the server"), "\(output.stderr)")
            #expect(output.stderr.contains("Unauthorized") || output.stderr.contains("provide credentials"), "\(output.stderr)")
        }
    }
}
