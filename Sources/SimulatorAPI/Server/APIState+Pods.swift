import Simulator
import VPAModel

extension APIState {
    /// `PATCH pods/NAME/resize`: applies the patch to the pod, takes the containers' new
    /// resources as the desired ones (the resize subresource changes nothing else), and asks the
    /// model's kubelet for them, as the updater's resize would. Answers the updated pod.
    func resize(_ key: ObjectKey, patch: JSON, format: PatchFormat) throws(APIError) -> [UInt8] {
        guard let record = pods[key], let live = store.get(.pods, key) else {
            throw APIError.notFound(.pods, name: key.name)
        }
        let patched = try format.apply(patch, to: live.object)
        var targets: [ResizeRequest.Target] = []
        for (field, type) in [("containers", ContainerType.container), ("initContainers", .`init`)] {
            for (index, element) in (patched["spec"]?[field]?.elements ?? []).enumerated() {
                let path = "spec.\(field)[\(index)]"
                guard let name = element["name"]?.stringValue, let container = record.observation.container(named: name, type: type) else {
                    throw APIError.invalid(.pods, name: key.name, field: path, forbidden: true, "containers may not be added or removed by a resize")
                }
                guard let resources = QuantityFormat.requirements(element["resources"]) else {
                    throw APIError.invalid(.pods, name: key.name, field: "\(path).resources",
                                          "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
                }
                guard resources != container.desired else { continue }
                try Self.validate(resources, replacing: container.desired, path: "\(path).resources", pod: key.name)
                targets.append(ResizeRequest.Target(container: name, type: type, resources: resources))
            }
        }
        guard !targets.isEmpty else { return live.version.bytes }
        counters.resizePatches += 1

        if simulation.pod(uid: record.uid) != nil {
            guard simulation.requestResize(podUID: record.uid, targets: targets) else {
                throw APIError.invalid(.pods, name: key.name, field: "spec", forbidden: true,
                                      "the simulated kubelet resizes running pods and app containers only")
            }
            if let updated = simulation.pod(uid: record.uid) { return publishPod(updated, at: now).version.bytes }
            return live.version.bytes
        }
        // A pod a test put directly: no kubelet acts on it; its spec changes and its generation moves.
        var pod = record.observation
        for target in targets {
            if let index = pod.containers.firstIndex(where: { $0.name == target.container && $0.type == target.type }) {
                pod.containers[index].desired = target.resources
            }
        }
        pod.generation = (pod.generation ?? 1) + 1
        return publishPod(pod, at: now).version.bytes
    }

    /// The API server's checks of a resize: no request or limit removed, requests within limits.
    private static func validate(_ resources: ResourceRequirements, replacing old: ResourceRequirements,
                                 path: String, pod: String) throws(APIError) {
        let pairs: [(String, Int64?, Int64?, Int64?, Int64?)] = [
            ("cpu", old.requests.cpuMillicores, resources.requests.cpuMillicores, old.limits.cpuMillicores, resources.limits.cpuMillicores),
            ("memory", old.requests.memoryBytes, resources.requests.memoryBytes, old.limits.memoryBytes, resources.limits.memoryBytes),
        ]
        for (name, oldRequest, request, oldLimit, limit) in pairs {
            if oldRequest != nil, request == nil {
                throw APIError.invalid(.pods, name: pod, field: "\(path).requests[\(name)]", forbidden: true, "resource requests cannot be removed")
            }
            if oldLimit != nil, limit == nil {
                throw APIError.invalid(.pods, name: pod, field: "\(path).limits[\(name)]", forbidden: true, "resource limits cannot be removed")
            }
            if let request, let limit, request > limit {
                let text = name == "cpu" ? QuantityFormat.cpu(millicores: request) : QuantityFormat.memory(bytes: request)
                let limitText = name == "cpu" ? QuantityFormat.cpu(millicores: limit) : QuantityFormat.memory(bytes: limit)
                throw APIError.invalid(.pods, name: pod, field: "\(path).requests",
                                      "\"\(text)\": must be less than or equal to \(name) limit of \(limitText)")
            }
        }
    }

    /// `POST pods/NAME/eviction`: the pod is deleted and, for a model pod, its ReplicaSet creates a
    /// replacement at the next step (with the admission hook's resources). 429 while evictions are
    /// refused, as a PodDisruptionBudget refuses them.
    func evict(_ key: ObjectKey) throws(APIError) -> JSON {
        guard let record = pods[key] else { throw APIError.notFound(.pods, name: key.name) }
        if refuseEvictions {
            counters.evictionsRefused += 1
            throw APIError(code: 429, reason: "TooManyRequests", message: "Cannot evict pod as it would violate the pod's disruption budget.",
                           details: ["causes": [["reason": "DisruptionBudget",
                                                 "message": "The disruption budget simulated-pdb needs 1 healthy pods and has 1 currently"]]])
        }
        if simulation.pod(uid: record.uid) != nil { simulation.evict(podUID: record.uid) }
        deletePod(key)
        counters.evictions += 1
        return ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success", "code": 201]
    }

    /// `DELETE pods/NAME`: as `kubectl delete pod`; a model pod's ReplicaSet replaces it at the next
    /// step (the model counts it as evicted). No disruption budget applies. Answers the pod as it was.
    func deletePodThroughAPI(_ key: ObjectKey) throws(APIError) -> [UInt8] {
        guard let record = pods[key], let live = store.get(.pods, key) else { throw APIError.notFound(.pods, name: key.name) }
        if simulation.pod(uid: record.uid) != nil { simulation.evict(podUID: record.uid) }
        deletePod(key)
        return live.version.bytes
    }
}
