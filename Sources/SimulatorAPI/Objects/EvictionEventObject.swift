import VPAModel

/// Writes a core/v1 Event recording a kubelet's memory-pressure eviction, with the annotations
/// upstream's OOM observer reads.
enum EvictionEventObject {
    /// The Event object, without `metadata.resourceVersion`.
    static func json(_ eviction: EvictionObservation, name: String, uid: String) -> JSON {
        let containers = eviction.offenders.map(\.container).joined(separator: ",")
        let usages = eviction.offenders.map { QuantityFormat.memory(bytes: $0.usageBytes) }.joined(separator: ",")
        let starved = eviction.offenders.map { _ in "memory" }.joined(separator: ",")
        var involved = JSONObjectBuilder()
        involved["kind"] = "Pod"
        involved["apiVersion"] = "v1"
        involved["namespace"] = .string(eviction.podNamespace)
        involved["name"] = .string(eviction.podName)
        involved["uid"] = eviction.podUID.map(JSON.string)
        let time = JSON.string(eviction.at.rfc3339)
        return ["apiVersion": "v1", "kind": "Event",
                "metadata": ["name": .string(name), "namespace": .string(eviction.podNamespace), "uid": .string(uid),
                             "creationTimestamp": time,
                             "annotations": ["offending_containers": .string(containers),
                                             "offending_containers_usage": .string(usages),
                                             "starved_resource": .string(starved)]],
                "involvedObject": involved.json, "reason": "Evicted",
                "message": "The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki.",
                "source": ["component": "kubelet"], "firstTimestamp": time, "lastTimestamp": time, "count": 1,
                "type": "Warning", "eventTime": .null, "reportingComponent": "kubelet", "reportingInstance": ""]
    }
}
