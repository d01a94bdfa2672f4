import VPAModel

/// Decodes a core/v1 `LimitRange` into the `Container` and `Pod` items VPA capping reads; items of
/// other types (`PersistentVolumeClaim`) are left out.
enum LimitRangeDecoder {
    static func decode(_ reader: FieldReader) throws(FieldError) -> LimitRangeObservation {
        let metadata = try reader.requiredObject("metadata")
        var items: [LimitRangeObservation.Item] = []
        for entry in try reader.object("spec")?.objects("limits") ?? [] {
            let typeText = try entry.requiredString("type")
            guard let type = LimitRangeObservation.LimitType(rawValue: typeText) else { continue }
            items.append(LimitRangeObservation.Item(
                type: type, min: try entry.resourceList("min") ?? ResourceList(),
                max: try entry.resourceList("max") ?? ResourceList(),
                defaultLimit: try entry.resourceList("default") ?? ResourceList()))
        }
        return LimitRangeObservation(namespace: try metadata.nonEmptyString("namespace") ?? "default",
                                     name: try metadata.requiredString("name"), items: items)
    }
}

/// Decodes an upstream `VerticalPodAutoscalerCheckpoint` (autoscaling.k8s.io/v1) into one
/// container's histories (pkg/apis/autoscaling.k8s.io/v1/types.go `VerticalPodAutoscalerCheckpointStatus`).
enum UpstreamCheckpointDecoder {
    static func decode(_ reader: FieldReader) throws(FieldError) -> UpstreamCheckpointObservation {
        let metadata = try reader.requiredObject("metadata")
        let spec = try reader.requiredObject("spec", what: "vpaObjectName and containerName")
        let status = try reader.requiredObject("status", what: "the saved histograms")
        let version = try status.nonEmptyString("version") ?? ""
        guard version == ContainerCheckpoint.supportedVersion else {
            throw FieldError(path: status.path.appending("version"),
                             message: "checkpoint version \"\(version)\" is not supported (only \(ContainerCheckpoint.supportedVersion), "
                                 + "which upstream VPA 0.8 and later write); let the upstream recommender rewrite it first")
        }
        let totalSamples = try status.int64("totalSamplesCount") ?? 0
        guard totalSamples >= 0, totalSamples <= Int64(Int32.max) else {
            throw FieldError(path: status.path.appending("totalSamplesCount"), message: "must be 0 to \(Int32.max), found \(totalSamples)")
        }
        let checkpoint = ContainerCheckpoint(
            version: version, cpuHistogram: try histogram(status.object("cpuHistogram")),
            memoryHistogram: try histogram(status.object("memoryHistogram")),
            firstSampleStart: try status.timestamp("firstSampleStart"), lastSampleStart: try status.timestamp("lastSampleStart"),
            totalSamplesCount: Int(totalSamples))
        return UpstreamCheckpointObservation(namespace: try metadata.nonEmptyString("namespace") ?? "default",
                                             vpaName: try spec.requiredString("vpaObjectName"),
                                             containerName: try spec.requiredString("containerName"), checkpoint: checkpoint)
    }

    /// A `HistogramCheckpoint`: `bucketWeights` is a JSON object from bucket index (a decimal string,
    /// as Go encodes `map[int]uint32`) to weight.
    private static func histogram(_ reader: FieldReader?) throws(FieldError) -> HistogramCheckpoint {
        guard let reader else { return HistogramCheckpoint() }
        var weights: [Int: UInt32] = [:]
        if let buckets = try reader.object("bucketWeights") {
            for member in buckets.object.members {
                let memberPath = buckets.path.appending(member.key)
                guard let index = Int(member.key), index >= 0, index < 10_000 else {
                    throw FieldError(path: memberPath, message: "expected a bucket index from 0 to 9999, found \"\(member.key)\"")
                }
                guard case .number = member.value else {
                    throw FieldError(path: memberPath, message: "expected a weight (an integer), found \(member.value.typeName)")
                }
                weights[index] = try FieldReader.integer(member.value, path: memberPath, as: UInt32.self)
            }
        }
        var total = 0.0
        if let value = reader.value("totalWeight") {
            guard case .number(let text) = value, let number = Double(text), number.isFinite, number >= 0 else {
                throw FieldError(path: reader.path.appending("totalWeight"), message: "expected a number of at least 0, found \(value.typeName)")
            }
            total = number
        }
        // Go writes the zero time as "0001-01-01T00:00:00Z" for a histogram that never had a sample.
        var reference: Timestamp?
        if let text = try reader.string("referenceTimestamp"), !text.hasPrefix("0001-01-01") {
            reference = try reader.timestamp("referenceTimestamp")
        }
        return HistogramCheckpoint(referenceTimestamp: reference, bucketWeights: weights, totalWeight: total)
    }
}
