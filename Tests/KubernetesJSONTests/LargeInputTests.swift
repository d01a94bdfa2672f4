import KubernetesJSON
import Testing
import VPAModel

/// Correctness at size; speed is measured by a benchmark, not asserted by a test.
@Suite("Large input")
struct LargeInputTests {
    /// A PodList of `count` pods in kubectl's layout, each with two containers and status resources.
    static func podList(count: Int) -> [UInt8] {
        var text = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n"
        for index in 0..<count {
            if index > 0 { text += ",\n" }
            text += """
                        {
                            "apiVersion": "v1",
                            "kind": "Pod",
                            "metadata": {
                                "labels": {"app": "load", "pod-template-hash": "5c7d8"},
                                "name": "load-5c7d8-\(index)",
                                "namespace": "ns-\(index % 7)",
                                "uid": "00000000-0000-4000-8000-\(String(index).leftPadded(to: 12))"
                            },
                            "spec": {
                                "containers": [
                                    {"image": "app:1", "name": "app", "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "\(index % 900 + 100)m", "memory": "256Mi"}}},
                                    {"image": "proxy:1", "name": "proxy", "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}}}
                                ],
                                "nodeName": "node-\(index % 13)"
                            },
                            "status": {
                                "containerStatuses": [
                                    {"name": "proxy", "restartCount": 0, "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}}, "state": {"running": {"startedAt": "2026-11-02T09:00:00Z"}}},
                                    {"name": "app", "restartCount": \(index % 3), "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "\(index % 900 + 100)m", "memory": "256Mi"}}, "state": {"running": {"startedAt": "2026-11-02T09:00:00Z"}}}
                                ],
                                "phase": "Running"
                            }
                        }
                """
        }
        text += "\n    ],\n    \"kind\": \"PodList\",\n    \"metadata\": {\"resourceVersion\": \"1\"}\n}\n"
        return Array(text.utf8)
    }

    @Test("a generated list of 2,000 pods decodes completely and in order")
    func generatedList() throws {
        let objects = try KubernetesInput.decode(Self.podList(count: 2_000), file: "generated.json")
        let decoded = pods(objects)
        #expect(decoded.count == 2_000)
        let last = try #require(decoded.last)
        #expect(last.name == "load-5c7d8-1999")
        #expect(last.namespace == "ns-\(1999 % 7)")
        #expect(last.container(named: "app")?.status?.resources?.requests.cpuMillicores == Int64(1999 % 900 + 100))
        #expect(last.container(named: "app")?.status?.restartCount == Int32(1999 % 3))
        #expect(decoded.allSatisfy { $0.containers.count == 2 && $0.containers.allSatisfy { $0.status != nil } })
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
