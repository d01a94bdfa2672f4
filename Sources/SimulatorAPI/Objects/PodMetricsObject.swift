import VPAModel

/// Writes a usage observation as a metrics.k8s.io/v1beta1 PodMetrics, as metrics-server serves it.
enum PodMetricsObject {
    /// The group/version of the metrics API.
    static let apiVersion = "metrics.k8s.io/v1beta1"

    /// The PodMetrics object; CPU in nanocores and memory in binary units, as metrics-server writes them.
    static func json(_ usage: UsageObservation) -> JSON {
        let containers: [JSON] = usage.sample.containers.map { container in
            ["name": .string(container.name),
             "usage": ["cpu": .string(QuantityFormat.cpu(nanocoresFromMillicores: container.cpuMillicores)),
                       "memory": .string(QuantityFormat.memory(bytes: container.memoryBytes))]]
        }
        return ["kind": "PodMetrics", "apiVersion": .string(apiVersion),
                "metadata": ["name": .string(usage.pod), "namespace": .string(usage.namespace),
                             "creationTimestamp": .string(usage.sample.at.rfc3339)],
                "timestamp": .string(usage.sample.at.rfc3339), "window": .string(GoDuration.string(milliseconds: usage.sample.windowMilliseconds)),
                "containers": .array(containers)]
    }
}
