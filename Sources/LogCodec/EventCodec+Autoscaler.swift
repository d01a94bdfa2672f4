import CStoreProto
import StoreAPI
import VPAModel

// protobuf-c <-> Swift for the VPA and usage event bodies (VpaObserved, VpaDeleted, UsageSampled).

extension EventCodec {
    package static func encodeVPA(_ vpa: VPAObservation, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__VpaObserved> {
        let message = arena.message(vpa__store__v1__vpa_observed__init)
        message.pointee.namespace_ = arena.cString(vpa.namespace)
        message.pointee.name = arena.cString(vpa.name)
        message.pointee.uid = arena.optionalCString(vpa.uid)
        message.pointee.target_kind = arena.cString(vpa.targetKind)
        message.pointee.target_name = arena.cString(vpa.targetName)
        message.pointee.update_mode = arena.cString(vpa.updateMode.rawValue)
        if let minReplicas = vpa.minReplicas {
            (message.pointee.has_min_replicas, message.pointee.min_replicas) = (1, Int32(clamping: minReplicas))
        }
        let policies = vpa.containerPolicies.map { policy in
            let element = arena.message(vpa__store__v1__vpa_observed__container_policy__init)
            element.pointee.container_name = arena.cString(policy.containerName)
            if policy.scalingOff {
                (element.pointee.has_scaling_off, element.pointee.scaling_off) = (1, 1)
            }
            if !policy.minAllowed.isEmpty { element.pointee.min_allowed = encodeList(policy.minAllowed, arena) }
            if !policy.maxAllowed.isEmpty { element.pointee.max_allowed = encodeList(policy.maxAllowed, arena) }
            encodePolicyFields(policy, into: element, arena)
            return element
        }
        (message.pointee.n_container_policies, message.pointee.container_policies) = arena.repeated(policies)
        encodeUpdatePolicyFields(vpa, into: message, arena)
        return message
    }

    package static func decodeVPA(_ m: Vpa__Store__V1__VpaObserved) throws(WireError) -> VPAObservation {
        guard let mode = VPAUpdateMode(rawValue: string(m.update_mode)) else {
            throw .invalidField(.vpaObserved, field: "update_mode")
        }
        var policies: [ContainerResourcePolicy] = []
        for index in 0..<m.n_container_policies {
            guard let policy = m.container_policies[index]?.pointee else { continue }
            var decoded = ContainerResourcePolicy(
                containerName: string(policy.container_name), scalingOff: policy.has_scaling_off != 0 && policy.scaling_off != 0,
                minAllowed: policy.min_allowed.map { list($0.pointee) } ?? ResourceList(),
                maxAllowed: policy.max_allowed.map { list($0.pointee) } ?? ResourceList())
            try decodePolicyFields(policy, into: &decoded)
            policies.append(decoded)
        }
        var vpa = VPAObservation(namespace: string(m.namespace_), name: string(m.name), uid: optionalString(m.uid),
                                 targetKind: string(m.target_kind), targetName: string(m.target_name), updateMode: mode,
                                 minReplicas: m.has_min_replicas != 0 ? Int(m.min_replicas) : nil, containerPolicies: policies)
        try decodeUpdatePolicyFields(m, into: &vpa)
        return vpa
    }

    package static func encodeUsage(_ sample: UsageSample, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__UsageSampled> {
        let message = arena.message(vpa__store__v1__usage_sampled__init)
        (message.pointee.has_at_ms, message.pointee.at_ms) = (1, sample.at.unixMilliseconds)
        (message.pointee.has_window_ms, message.pointee.window_ms) = (1, sample.windowMilliseconds)
        let containers = sample.containers.map { container in
            let element = arena.message(vpa__store__v1__usage_sampled__container__init)
            element.pointee.name = arena.cString(container.name)
            (element.pointee.has_cpu_millicores, element.pointee.cpu_millicores) = (1, container.cpuMillicores)
            (element.pointee.has_memory_bytes, element.pointee.memory_bytes) = (1, container.memoryBytes)
            return element
        }
        (message.pointee.n_containers, message.pointee.containers) = arena.repeated(containers)
        return message
    }

    package static func decodeUsage(_ m: Vpa__Store__V1__UsageSampled) -> UsageSample {
        let containers = (0..<m.n_containers).compactMap { index -> UsageSample.Container? in
            guard let container = m.containers[index]?.pointee else { return nil }
            return UsageSample.Container(name: string(container.name), cpuMillicores: container.cpu_millicores,
                                         memoryBytes: container.memory_bytes)
        }
        return UsageSample(at: Timestamp(unixMilliseconds: m.at_ms), windowMilliseconds: m.window_ms, containers: containers)
    }
}

extension EventCodec {
    package static func encodeRecommendation(_ published: PublishedRecommendation, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__RecommendationPublished> {
        let message = arena.message(vpa__store__v1__recommendation_published__init)
        let containers = published.containers.map { recommendation in
            let element = arena.message(vpa__store__v1__recommendation_published__container__init)
            element.pointee.name = arena.cString(recommendation.container)
            element.pointee.target = encodeList(recommendation.target, arena)
            element.pointee.lower_bound = encodeList(recommendation.lowerBound, arena)
            element.pointee.upper_bound = encodeList(recommendation.upperBound, arena)
            element.pointee.uncapped_target = encodeList(recommendation.uncappedTarget, arena)
            return element
        }
        (message.pointee.n_containers, message.pointee.containers) = arena.repeated(containers)
        message.pointee.recommender = arena.cString(published.recommender)
        return message
    }

    package static func decodeRecommendation(_ m: Vpa__Store__V1__RecommendationPublished) -> PublishedRecommendation {
        let containers = (0..<m.n_containers).compactMap { index -> ContainerRecommendation? in
            guard let container = m.containers[index]?.pointee else { return nil }
            func read(_ pointer: UnsafeMutablePointer<Vpa__Store__V1__ResourceList>?) -> ResourceList {
                pointer.map { list($0.pointee) } ?? ResourceList()
            }
            return ContainerRecommendation(container: string(container.name), target: read(container.target),
                                           lowerBound: read(container.lower_bound), upperBound: read(container.upper_bound),
                                           uncappedTarget: read(container.uncapped_target))
        }
        return PublishedRecommendation(containers: containers, recommender: string(m.recommender))
    }

    package static func encodeDecision(_ decision: UpdaterDecisionRecord, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__UpdaterDecision> {
        let message = arena.message(vpa__store__v1__updater_decision__init)
        message.pointee.action = arena.cString(decision.action.rawValue)
        message.pointee.reason = arena.cString(decision.reason)
        message.pointee.vpa = arena.cString(decision.vpa)
        message.pointee.update_mode = arena.cString(decision.updateMode.rawValue)
        return message
    }

    package static func decodeDecision(_ m: Vpa__Store__V1__UpdaterDecision) throws(WireError) -> UpdaterDecisionRecord {
        guard let action = UpdaterDecisionRecord.Action(rawValue: string(m.action)) else {
            throw .invalidField(.updaterDecision, field: "action")
        }
        guard let mode = VPAUpdateMode(rawValue: string(m.update_mode)) else {
            throw .invalidField(.updaterDecision, field: "update_mode")
        }
        return UpdaterDecisionRecord(action: action, reason: string(m.reason), vpa: string(m.vpa), updateMode: mode)
    }
}

extension EventCodec {
    package static func encodeCheckpoint(_ checkpoint: RecommenderCheckpoint, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__RecommenderCheckpoint> {
        let message = arena.message(vpa__store__v1__recommender_checkpoint__init)
        (message.pointee.has_consumed_position, message.pointee.consumed_position) = (1, checkpoint.consumedPosition)
        (message.pointee.n_containers, message.pointee.containers) = arena.repeated(checkpoint.containers.map { encodeCheckpointContainer($0, arena) })
        return message
    }

    /// One container's histories of a checkpoint (also an upstream checkpoint's, in Ingest).
    package static func encodeCheckpointContainer(_ container: RecommenderCheckpoint.Container, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__RecommenderCheckpoint__Container> {
        func histogram(_ histogram: HistogramCheckpoint) -> UnsafeMutablePointer<Vpa__Store__V1__HistogramCheckpoint> {
            let message = arena.message(vpa__store__v1__histogram_checkpoint__init)
            if let reference = histogram.referenceTimestamp {
                (message.pointee.has_reference_ms, message.pointee.reference_ms) = (1, reference.unixMilliseconds)
            }
            // Buckets in index order, so the same checkpoint always encodes to the same bytes.
            let buckets = histogram.bucketWeights.sorted { $0.key < $1.key }.map { index, weight in
                let bucket = arena.message(vpa__store__v1__histogram_checkpoint__bucket__init)
                (bucket.pointee.has_index, bucket.pointee.index) = (1, Int32(clamping: index))
                (bucket.pointee.has_weight, bucket.pointee.weight) = (1, weight)
                return bucket
            }
            (message.pointee.n_buckets, message.pointee.buckets) = arena.repeated(buckets)
            (message.pointee.has_total_weight, message.pointee.total_weight) = (1, histogram.totalWeight)
            return message
        }
        let element = arena.message(vpa__store__v1__recommender_checkpoint__container__init)
        element.pointee.name = arena.cString(container.name)
        element.pointee.version = arena.cString(container.checkpoint.version)
        element.pointee.cpu = histogram(container.checkpoint.cpuHistogram)
        element.pointee.memory = histogram(container.checkpoint.memoryHistogram)
        if let first = container.checkpoint.firstSampleStart {
            (element.pointee.has_first_sample_ms, element.pointee.first_sample_ms) = (1, first.unixMilliseconds)
        }
        if let last = container.checkpoint.lastSampleStart {
            (element.pointee.has_last_sample_ms, element.pointee.last_sample_ms) = (1, last.unixMilliseconds)
        }
        (element.pointee.has_total_samples, element.pointee.total_samples) = (1, Int64(container.checkpoint.totalSamplesCount))
        return element
    }

    package static func decodeCheckpoint(_ m: Vpa__Store__V1__RecommenderCheckpoint) -> RecommenderCheckpoint {
        let containers = (0..<m.n_containers).compactMap { index -> RecommenderCheckpoint.Container? in
            m.containers[index].map { decodeCheckpointContainer($0.pointee) }
        }
        return RecommenderCheckpoint(consumedPosition: m.consumed_position, containers: containers)
    }

    /// One container's histories of a checkpoint.
    package static func decodeCheckpointContainer(_ c: Vpa__Store__V1__RecommenderCheckpoint__Container) -> RecommenderCheckpoint.Container {
        func histogram(_ pointer: UnsafeMutablePointer<Vpa__Store__V1__HistogramCheckpoint>?) -> HistogramCheckpoint {
            guard let h = pointer?.pointee else { return HistogramCheckpoint() }
            var weights: [Int: UInt32] = [:]
            for index in 0..<h.n_buckets {
                guard let bucket = h.buckets[index]?.pointee else { continue }
                weights[Int(bucket.index)] = bucket.weight
            }
            return HistogramCheckpoint(referenceTimestamp: h.has_reference_ms != 0 ? Timestamp(unixMilliseconds: h.reference_ms) : nil,
                                       bucketWeights: weights, totalWeight: h.total_weight)
        }
        return RecommenderCheckpoint.Container(name: string(c.name), checkpoint: ContainerCheckpoint(
            version: string(c.version), cpuHistogram: histogram(c.cpu), memoryHistogram: histogram(c.memory),
            firstSampleStart: c.has_first_sample_ms != 0 ? Timestamp(unixMilliseconds: c.first_sample_ms) : nil,
            lastSampleStart: c.has_last_sample_ms != 0 ? Timestamp(unixMilliseconds: c.last_sample_ms) : nil,
            // Bounded as the JSON decoder bounds upstream's totalSamplesCount: a restored count near
            // Int.max would trap the recommender's next `+= 1`, and the stored checkpoint would do it
            // again after every restart.
            totalSamplesCount: Int(min(max(c.total_samples, 0), Int64(Int32.max)))))
    }
}
