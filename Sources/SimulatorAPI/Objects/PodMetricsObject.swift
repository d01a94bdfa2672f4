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
                "timestamp": .string(usage.sample.at.rfc3339), "window": .string(goDuration(milliseconds: usage.sample.windowMilliseconds)),
                "containers": .array(containers)]
    }

    /// A duration as Go's `time.Duration.String()` writes it: `1m0s`, `30s`, `1.5s`, `1h0m0s`.
    static func goDuration(milliseconds: Int64) -> String {
        guard milliseconds > 0 else { return "0s" }
        let hours = milliseconds / 3_600_000, minutes = milliseconds / 60_000 % 60
        let seconds = milliseconds / 1000 % 60, fraction = milliseconds % 1000
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        text += "\(seconds)"
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += ".\(digits)"
        }
        return text + "s"
    }
}
