import VPAModel

/// Writes a `PodObservation` as the API server serves a core/v1 Pod: every field the project's
/// decoder reads, in the shape a kubelet with in-place resize (KEP-1287, 1.33+) reports, plus the
/// usual fields a reader of `kubectl get pod -o yaml` expects.
enum PodObject {
    /// The image every simulated container runs.
    static let image = "registry.k8s.io/pause:3.10"

    /// The Pod object, without `metadata.resourceVersion` (the store sets it).
    static func json(_ pod: PodObservation, uid: String, createdAt: Timestamp) -> JSON {
        var metadata = JSONObjectBuilder()
        metadata["name"] = .string(pod.name)
        metadata["namespace"] = .string(pod.namespace)
        metadata["uid"] = .string(uid)
        metadata["generation"] = pod.generation.map(JSON.int)
        metadata["creationTimestamp"] = .string(createdAt.rfc3339)
        if !pod.owners.isEmpty {
            metadata["ownerReferences"] = .array(pod.owners.map { owner in
                ["apiVersion": .string(apiVersion(ofOwnerKind: owner.kind)), "kind": .string(owner.kind),
                 "name": .string(owner.name), "uid": .string(owner.uid), "controller": .bool(owner.controller),
                 "blockOwnerDeletion": true]
            })
        }

        let appContainers = pod.containers.filter { $0.type == .container }
        let initContainers = pod.containers.filter { $0.type == .`init` }
        var spec = JSONObjectBuilder()
        spec["containers"] = .array(appContainers.map(containerSpec))
        spec["initContainers"] = initContainers.isEmpty ? nil : .array(initContainers.map(containerSpec))
        spec["nodeName"] = pod.nodeName.map(JSON.string)
        spec["restartPolicy"] = "Always"
        spec["schedulerName"] = "default-scheduler"
        spec["terminationGracePeriodSeconds"] = 30

        var status = JSONObjectBuilder()
        status["observedGeneration"] = pod.observedGeneration.map(JSON.int)
        status["phase"] = pod.phase.map(JSON.string)
        status["conditions"] = .array(conditions(pod))
        status["startTime"] = pod.startTime.map { .string($0.rfc3339) }
        let appStatuses = appContainers.compactMap(containerStatus)
        if !appStatuses.isEmpty { status["containerStatuses"] = .array(appStatuses) }
        let initStatuses = initContainers.compactMap(containerStatus)
        if !initStatuses.isEmpty { status["initContainerStatuses"] = .array(initStatuses) }
        status["qosClass"] = .string(qosClass(appContainers + initContainers))
        status["resize"] = pod.legacyResizeStatus.map(JSON.string)

        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata.json, "spec": spec.json, "status": status.json]
    }

    /// The group/version of an owner kind, as controllers write owner references.
    static func apiVersion(ofOwnerKind kind: String) -> String {
        switch kind {
        case "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet": "apps/v1"
        case "Job", "CronJob": "batch/v1"
        default: "v1"
        }
    }

    private static func containerSpec(_ container: ContainerObservation) -> JSON {
        ["name": .string(container.name), "image": .string(image), "imagePullPolicy": "IfNotPresent",
         "resources": QuantityFormat.json(container.desired),
         "resizePolicy": [["resourceName": "cpu", "restartPolicy": "NotRequired"],
                          ["resourceName": "memory", "restartPolicy": "NotRequired"]],
         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"]
    }

    private static func containerStatus(_ container: ContainerObservation) -> JSON? {
        guard let status = container.status else { return nil }
        let running = status.state?.isRunning ?? false
        var object = JSONObjectBuilder()
        object["name"] = .string(container.name)
        object["image"] = .string(image)
        object["imageID"] = .string(image)
        object["ready"] = .bool(running)
        object["started"] = .bool(running)
        object["restartCount"] = .int(Int64(status.restartCount))
        object["state"] = state(status.state)
        object["lastState"] = state(status.lastState)
        // Absent and `{}` differ: absent is a kubelet that does not report enacted resources.
        object["resources"] = status.resources.map(QuantityFormat.json)
        object["allocatedResources"] = status.allocatedResources.map(QuantityFormat.json)
        return object.json
    }

    private static func state(_ state: ContainerState?) -> JSON {
        switch state {
        case nil:
            return .emptyObject
        case .running(let startedAt)?:
            var running = JSONObjectBuilder()
            running["startedAt"] = startedAt.map { .string($0.rfc3339) }
            return ["running": running.json]
        case .terminated(let reason, let exitCode, let startedAt, let finishedAt)?:
            var terminated = JSONObjectBuilder()
            terminated["exitCode"] = exitCode.map { .int(Int64($0)) }
            terminated["reason"] = reason.map(JSON.string)
            terminated["startedAt"] = startedAt.map { .string($0.rfc3339) }
            terminated["finishedAt"] = finishedAt.map { .string($0.rfc3339) }
            return ["terminated": terminated.json]
        case .waiting(let reason)?:
            var waiting = JSONObjectBuilder()
            waiting["reason"] = reason.map(JSON.string)
            return ["waiting": waiting.json]
        }
    }

    /// The readiness conditions a kubelet reports, then the resize conditions in the pod's order.
    private static func conditions(_ pod: PodObservation) -> [JSON] {
        let since = pod.startTime.map { JSON.string($0.rfc3339) } ?? .null
        var conditions: [JSON] = []
        if pod.nodeName == nil {
            conditions.append(["type": "PodScheduled", "status": "False", "lastProbeTime": .null, "lastTransitionTime": since,
                               "reason": "Unschedulable", "message": "0/3 nodes are available: insufficient resources."])
        } else {
            let ready: JSON = pod.phase == "Running" ? "True" : "False"
            for (type, status) in [("PodReadyToStartContainers", JSON("True")), ("Initialized", "True"), ("Ready", ready),
                                   ("ContainersReady", ready), ("PodScheduled", "True")] {
                conditions.append(["type": .string(type), "status": status, "lastProbeTime": .null, "lastTransitionTime": since])
            }
        }
        for condition in pod.resizeConditions {
            var object = JSONObjectBuilder()
            object["type"] = .string(condition.type)
            object["status"] = .string(condition.status)
            object["lastProbeTime"] = .null
            object["lastTransitionTime"] = condition.lastTransitionTime.map { .string($0.rfc3339) }
            object["observedGeneration"] = condition.observedGeneration.map(JSON.int)
            object["reason"] = condition.reason.isEmpty ? nil : .string(condition.reason)
            object["message"] = condition.message.isEmpty ? nil : .string(condition.message)
            conditions.append(object.json)
        }
        return conditions
    }

    /// `Guaranteed` when every container's requests equal its limits for CPU and memory,
    /// `BestEffort` when none sets any, else `Burstable` (core/v1 `GetPodQOS`, simplified).
    private static func qosClass(_ containers: [ContainerObservation]) -> String {
        let all = containers.map(\.desired)
        if all.allSatisfy({ $0.requests.isEmpty && $0.limits.isEmpty }) { return "BestEffort" }
        let guaranteed = all.allSatisfy { resources in
            resources.limits.cpuMillicores != nil && resources.limits.memoryBytes != nil
                && (resources.requests.cpuMillicores ?? resources.limits.cpuMillicores) == resources.limits.cpuMillicores
                && (resources.requests.memoryBytes ?? resources.limits.memoryBytes) == resources.limits.memoryBytes
        }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}
