import VPAModel

/// Writes a `VPAObservation` as an autoscaling.k8s.io/v1 VerticalPodAutoscaler, and reads back the
/// recommendation a recommender wrote to its `status`.
enum VPAObject {
    /// The group/version of the VPA API.
    static let apiVersion = "autoscaling.k8s.io/v1"

    /// The VPA object with `status` (kept from the stored object, since the spec and the status
    /// have different writers), without `metadata.resourceVersion`.
    static func json(_ vpa: VPAObservation, uid: String, createdAt: Timestamp, status: JSON?) -> JSON {
        var updatePolicy = JSONObjectBuilder()
        updatePolicy["updateMode"] = .string(vpa.updateMode.rawValue)
        updatePolicy["minReplicas"] = vpa.minReplicas.map { .int(Int64($0)) }
        var spec = JSONObjectBuilder()
        spec["targetRef"] = ["apiVersion": .string(PodObject.apiVersion(ofOwnerKind: vpa.targetKind)),
                             "kind": .string(vpa.targetKind), "name": .string(vpa.targetName)]
        spec["updatePolicy"] = updatePolicy.json
        if !vpa.containerPolicies.isEmpty {
            spec["resourcePolicy"] = ["containerPolicies": .array(vpa.containerPolicies.map(containerPolicy))]
        }
        var object = JSONObjectBuilder()
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = "VerticalPodAutoscaler"
        object["metadata"] = ["name": .string(vpa.name), "namespace": .string(vpa.namespace), "uid": .string(uid),
                              "generation": 1, "creationTimestamp": .string(createdAt.rfc3339)]
        object["spec"] = spec.json
        object["status"] = status
        return object.json
    }

    private static func containerPolicy(_ policy: ContainerResourcePolicy) -> JSON {
        var object = JSONObjectBuilder()
        object["containerName"] = .string(policy.containerName)
        object["mode"] = .string(policy.scalingOff ? "Off" : "Auto")
        object["minAllowed"] = policy.minAllowed.isEmpty ? nil : QuantityFormat.json(policy.minAllowed)
        object["maxAllowed"] = policy.maxAllowed.isEmpty ? nil : QuantityFormat.json(policy.maxAllowed)
        return object.json
    }

    /// `status.recommendation` as the admission controller reads it; nil when the status holds none
    /// or a quantity in it does not parse.
    static func recommendation(inStatus status: JSON?) -> PublishedRecommendation? {
        guard let entries = status?["recommendation"]?["containerRecommendations"]?.elements else { return nil }
        var containers: [ContainerRecommendation] = []
        for entry in entries {
            guard let name = entry["containerName"]?.stringValue,
                  let target = QuantityFormat.resourceList(entry["target"]),
                  let lowerBound = QuantityFormat.resourceList(entry["lowerBound"]),
                  let upperBound = QuantityFormat.resourceList(entry["upperBound"]),
                  let uncapped = QuantityFormat.resourceList(entry["uncappedTarget"])
            else { return nil }
            containers.append(ContainerRecommendation(container: name, target: target, lowerBound: lowerBound,
                                                      upperBound: upperBound, uncappedTarget: uncapped))
        }
        return containers.isEmpty ? nil : PublishedRecommendation(containers: containers)
    }
}
