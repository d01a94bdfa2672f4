import VPAModel

/// Decodes a `VerticalPodAutoscaler` (autoscaling.k8s.io/v1) into what the recommender and updater
/// read: target, update mode, min replicas and container policies.
enum VPADecoder {
    static func decode(_ reader: FieldReader) throws(FieldError) -> VPAObservation {
        let metadata = try reader.requiredObject("metadata")
        let spec = try reader.requiredObject("spec")
        let target = try spec.requiredObject("targetRef", what: "the controller the VPA manages")
        let policy = try spec.object("updatePolicy")
        var mode = VPAUpdateMode.recreate
        if let text = try policy?.nonEmptyString("updateMode") {
            guard let known = VPAUpdateMode(rawValue: text) else {
                throw FieldError(path: policy!.path.appending("updateMode"), message: "unknown update mode \"\(text)\" (expected "
                                 + VPAUpdateMode.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            mode = known
        }
        var minReplicas: Int?
        if let value = try policy?.int32("minReplicas") {
            guard value >= 1 else {
                throw FieldError(path: policy!.path.appending("minReplicas"), message: "must be at least 1, found \(value)")
            }
            minReplicas = Int(value)
        }
        var containerPolicies: [ContainerResourcePolicy] = []
        for entry in try spec.object("resourcePolicy")?.objects("containerPolicies") ?? [] {
            let scaling = try entry.nonEmptyString("mode") ?? "Auto"
            guard scaling == "Auto" || scaling == "Off" else {
                throw FieldError(path: entry.path.appending("mode"), message: "unknown container scaling mode \"\(scaling)\" (expected Auto or Off)")
            }
            var policy = ContainerResourcePolicy(
                containerName: try entry.requiredString("containerName"), scalingOff: scaling == "Off",
                minAllowed: try entry.resourceList("minAllowed") ?? ResourceList(),
                maxAllowed: try entry.resourceList("maxAllowed") ?? ResourceList())
            try VPAPolicyFields.decode(entry, into: &policy)
            containerPolicies.append(policy)
        }
        return VPAObservation(
            namespace: try metadata.nonEmptyString("namespace") ?? "default", name: try metadata.requiredString("name"),
            uid: try metadata.nonEmptyString("uid"), targetKind: try target.requiredString("kind"),
            targetName: try target.requiredString("name"), updateMode: mode, minReplicas: minReplicas,
            containerPolicies: containerPolicies, recommenders: try VPAPolicyFields.recommenders(spec),
            evictAfterOOMSeconds: try policy.flatMap { (policy) throws(FieldError) in try VPAPolicyFields.evictAfterOOMSeconds(policy) },
            evictionRequirements: try policy.flatMap { (policy) throws(FieldError) in try VPAPolicyFields.evictionRequirements(policy) })
    }
}

/// Decodes a `PodMetrics` (metrics.k8s.io/v1beta1) into a usage observation.
enum PodMetricsDecoder {
    static func decode(_ reader: FieldReader) throws(FieldError) -> UsageObservation {
        let metadata = try reader.requiredObject("metadata")
        guard let at = try reader.timestamp("timestamp") else {
            throw FieldError(path: reader.path.appending("timestamp"), message: "missing required field (the end of the usage window)")
        }
        let windowText = try reader.requiredString("window")
        guard let window = try? DurationParser.milliseconds(windowText, allowingFractions: true) else {
            throw FieldError(path: reader.path.appending("window"), message: "expected a duration such as 30s or 1m0s, found \"\(windowText)\"")
        }
        var containers: [UsageSample.Container] = []
        for container in try reader.objects("containers") {
            let usage = try container.resourceList("usage") ?? ResourceList()
            containers.append(UsageSample.Container(name: try container.requiredString("name"),
                                                         cpuMillicores: usage.cpuMillicores ?? 0,
                                                         memoryBytes: usage.memoryBytes ?? 0))
        }
        return UsageObservation(namespace: try metadata.nonEmptyString("namespace") ?? "default",
                                pod: try metadata.requiredString("name"),
                                sample: UsageSample(at: at, windowMilliseconds: window, containers: containers))
    }
}
