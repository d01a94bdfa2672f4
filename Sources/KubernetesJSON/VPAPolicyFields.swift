import VPAModel

/// The VerticalPodAutoscaler fields beyond target, mode and min/max allowed: `controlledResources`,
/// `controlledValues` and the per-VPA configuration of a container policy, and the update policy's
/// `evictAfterOOMSeconds` and `evictionRequirements` (upstream pkg/apis/autoscaling.k8s.io/v1/types.go).
enum VPAPolicyFields {
    /// Reads a container policy's extra fields into `policy`.
    static func decode(_ entry: FieldReader, into policy: inout ContainerResourcePolicy) throws(FieldError) {
        if entry.value("controlledResources") != nil {
            policy.controlledResources = try resources(entry, "controlledResources")
        }
        if let text = try entry.nonEmptyString("controlledValues") {
            guard let values = ContainerControlledValues(rawValue: text) else {
                throw FieldError(path: entry.path.appending("controlledValues"),
                                 message: "unknown controlled values \"\(text)\" (expected RequestsAndLimits or RequestsOnly)")
            }
            policy.controlledValues = values
        }
        if let ratio = try quantity(entry, "oomBumpUpRatio") {
            // Upstream validation: the ratio must be at least 1 (a bump never lowers memory).
            guard ratio.milliValue >= 1000 else {
                throw FieldError(path: entry.path.appending("oomBumpUpRatio"), message: "must be at least 1, found \(Double(ratio.milliValue) / 1000)")
            }
            policy.oomBumpUpRatio = Double(ratio.milliValue) / 1000
        }
        if let bump = try quantity(entry, "oomMinBumpUp") {
            guard !bump.isNegative else {
                throw FieldError(path: entry.path.appending("oomMinBumpUp"), message: "must not be negative, found \(bump.value) bytes")
            }
            policy.oomMinBumpUpBytes = bump.value
        }
        if let seconds = try entry.int32("memoryAggregationIntervalSeconds") {
            guard seconds > 0 else {
                throw FieldError(path: entry.path.appending("memoryAggregationIntervalSeconds"), message: "must be positive, found \(seconds)")
            }
            policy.memoryAggregationIntervalSeconds = Int64(seconds)
        }
        if let count = try entry.int64("memoryAggregationIntervalCount") {
            guard count > 0, count <= 10_000 else {
                throw FieldError(path: entry.path.appending("memoryAggregationIntervalCount"), message: "must be 1 to 10000, found \(count)")
            }
            policy.memoryAggregationIntervalCount = count
        }
    }

    /// `spec.recommenders[].name`, or nil when there are none.
    static func recommenders(_ spec: FieldReader) throws(FieldError) -> [String]? {
        var names: [String] = []
        for entry in try spec.objects("recommenders") { names.append(try entry.requiredString("name")) }
        return names.isEmpty ? nil : names
    }

    /// `updatePolicy.evictAfterOOMSeconds`, or nil.
    static func evictAfterOOMSeconds(_ policy: FieldReader) throws(FieldError) -> Int64? {
        guard let seconds = try policy.int32("evictAfterOOMSeconds") else { return nil }
        guard seconds >= 0 else {
            throw FieldError(path: policy.path.appending("evictAfterOOMSeconds"), message: "must not be negative, found \(seconds)")
        }
        return Int64(seconds)
    }

    /// `updatePolicy.evictionRequirements`, or nil when there are none.
    static func evictionRequirements(_ policy: FieldReader) throws(FieldError) -> [EvictionRequirement]? {
        var requirements: [EvictionRequirement] = []
        for entry in try policy.objects("evictionRequirements") {
            let text = try entry.requiredString("changeRequirement")
            guard let change = EvictionRequirement.Change(rawValue: text) else {
                throw FieldError(path: entry.path.appending("changeRequirement"),
                                 message: "unknown change requirement \"\(text)\" (expected TargetHigherThanRequests or TargetLowerThanRequests)")
            }
            requirements.append(EvictionRequirement(resources: try resources(entry, "resources"), change: change))
        }
        return requirements.isEmpty ? nil : requirements
    }

    /// A list of resource names, each `cpu` or `memory`.
    private static func resources(_ reader: FieldReader, _ key: String) throws(FieldError) -> [ControlledResource] {
        guard let value = reader.value(key) else { return [] }
        let path = reader.path.appending(key)
        guard case .array(let elements) = value else {
            throw FieldError(path: path, message: "expected an array of resource names, found \(value.typeName)")
        }
        var result: [ControlledResource] = []
        for (index, element) in elements.enumerated() {
            let text = try FieldReader.string(element, path: path.appending(index: index), lenientScalars: reader.lenientScalars)
            guard let resource = ControlledResource(rawValue: text) else {
                throw FieldError(path: path.appending(index: index), message: "unknown resource \"\(text)\" (expected cpu or memory)")
            }
            if !result.contains(resource) { result.append(resource) }
        }
        return result
    }

    /// A quantity field (`"1.5"`, `100Mi`, or a number), or nil.
    private static func quantity(_ reader: FieldReader, _ key: String) throws(FieldError) -> Quantity? {
        guard let value = reader.value(key) else { return nil }
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number
        default: throw FieldError(path: reader.path.appending(key), message: "expected a quantity, found \(value.typeName)")
        }
        do throws(QuantityError) {
            return try Quantity.parse(text)
        } catch {
            throw FieldError(path: reader.path.appending(key), message: error.description)
        }
    }
}
