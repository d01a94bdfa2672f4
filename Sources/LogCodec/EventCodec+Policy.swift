import StoreAPI
import CStoreProto
import VPAModel

// protobuf-c <-> Swift for the VPA fields capping and per-VPA configuration read
// (controlledResources, controlledValues, oomBumpUpRatio, …, evictAfterOOMSeconds,
// evictionRequirements) and for the LimitRange events.

extension EventCodec {
    package static func encodePolicyFields(_ policy: ContainerResourcePolicy,
                                   into element: UnsafeMutablePointer<Vpa__Store__V1__VpaObserved__ContainerPolicy>,
                                   _ arena: CArena) {
        if let resources = policy.controlledResources {
            (element.pointee.has_has_controlled_resources, element.pointee.has_controlled_resources) = (1, 1)
            (element.pointee.n_controlled_resources, element.pointee.controlled_resources) = arena.repeated(resources.map { arena.cString($0.rawValue) })
        }
        element.pointee.controlled_values = arena.optionalCString(policy.controlledValues?.rawValue)
        if let ratio = policy.oomBumpUpRatio {
            element.pointee.has_oom_bump_up_ratio_milli = 1
            // Saturating: a ratio read as a saturated quantity (`10P`) times 1000 is 2^63, which
            // Int64(_:) traps on.
            element.pointee.oom_bump_up_ratio_milli = Int64(exactly: (ratio * 1000).rounded()) ?? (ratio > 0 ? .max : 0)
        }
        if let bytes = policy.oomMinBumpUpBytes {
            (element.pointee.has_oom_min_bump_up_bytes, element.pointee.oom_min_bump_up_bytes) = (1, bytes)
        }
        if let seconds = policy.memoryAggregationIntervalSeconds {
            (element.pointee.has_memory_aggregation_interval_seconds, element.pointee.memory_aggregation_interval_seconds) = (1, seconds)
        }
        if let count = policy.memoryAggregationIntervalCount {
            (element.pointee.has_memory_aggregation_interval_count, element.pointee.memory_aggregation_interval_count) = (1, count)
        }
    }

    package static func decodePolicyFields(_ m: Vpa__Store__V1__VpaObserved__ContainerPolicy,
                                   into policy: inout ContainerResourcePolicy) throws(WireError) {
        if m.has_has_controlled_resources != 0, m.has_controlled_resources != 0 {
            var resources: [ControlledResource] = []
            for index in 0..<m.n_controlled_resources {
                guard let resource = ControlledResource(rawValue: string(m.controlled_resources[index])) else {
                    throw .invalidField(.vpaObserved, field: "container_policies.controlled_resources")
                }
                resources.append(resource)
            }
            policy.controlledResources = resources
        }
        if let text = optionalString(m.controlled_values) {
            guard let values = ContainerControlledValues(rawValue: text) else {
                throw .invalidField(.vpaObserved, field: "container_policies.controlled_values")
            }
            policy.controlledValues = values
        }
        if m.has_oom_bump_up_ratio_milli != 0 { policy.oomBumpUpRatio = Double(m.oom_bump_up_ratio_milli) / 1000 }
        if m.has_oom_min_bump_up_bytes != 0 { policy.oomMinBumpUpBytes = m.oom_min_bump_up_bytes }
        if m.has_memory_aggregation_interval_seconds != 0 {
            policy.memoryAggregationIntervalSeconds = m.memory_aggregation_interval_seconds
        }
        if m.has_memory_aggregation_interval_count != 0 {
            policy.memoryAggregationIntervalCount = m.memory_aggregation_interval_count
        }
    }

    package static func encodeUpdatePolicyFields(_ vpa: VPAObservation, into message: UnsafeMutablePointer<Vpa__Store__V1__VpaObserved>,
                                         _ arena: CArena) {
        if let seconds = vpa.evictAfterOOMSeconds {
            (message.pointee.has_evict_after_oom_seconds, message.pointee.evict_after_oom_seconds) = (1, seconds)
        }
        let requirements = (vpa.evictionRequirements ?? []).map { requirement in
            let element = arena.message(vpa__store__v1__vpa_observed__eviction_requirement__init)
            (element.pointee.n_resources, element.pointee.resources) = arena.repeated(requirement.resources.map { arena.cString($0.rawValue) })
            element.pointee.change = arena.cString(requirement.change.rawValue)
            return element
        }
        (message.pointee.n_eviction_requirements, message.pointee.eviction_requirements) = arena.repeated(requirements)
        let recommenders = vpa.recommenders ?? []
        (message.pointee.n_recommenders, message.pointee.recommenders) = arena.repeated(recommenders.map { arena.cString($0) })
    }

    package static func decodeUpdatePolicyFields(_ m: Vpa__Store__V1__VpaObserved, into vpa: inout VPAObservation) throws(WireError) {
        if m.has_evict_after_oom_seconds != 0 { vpa.evictAfterOOMSeconds = m.evict_after_oom_seconds }
        var requirements: [EvictionRequirement] = []
        for index in 0..<m.n_eviction_requirements {
            guard let element = m.eviction_requirements[index]?.pointee else { continue }
            guard let change = EvictionRequirement.Change(rawValue: string(element.change)) else {
                throw .invalidField(.vpaObserved, field: "eviction_requirements.change")
            }
            var resources: [ControlledResource] = []
            for resourceIndex in 0..<element.n_resources {
                guard let resource = ControlledResource(rawValue: string(element.resources[resourceIndex])) else {
                    throw .invalidField(.vpaObserved, field: "eviction_requirements.resources")
                }
                resources.append(resource)
            }
            requirements.append(EvictionRequirement(resources: resources, change: change))
        }
        vpa.evictionRequirements = requirements.isEmpty ? nil : requirements
        let recommenders = (0..<m.n_recommenders).map { string(m.recommenders[$0]) }
        vpa.recommenders = recommenders.isEmpty ? nil : recommenders
    }

    package static func encodeLimitRange(_ range: LimitRangeObservation, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__LimitRangeObserved> {
        let message = arena.message(vpa__store__v1__limit_range_observed__init)
        message.pointee.namespace_ = arena.cString(range.namespace)
        message.pointee.name = arena.cString(range.name)
        let items = range.items.map { item in
            let element = arena.message(vpa__store__v1__limit_range_observed__item__init)
            element.pointee.type = arena.cString(item.type.rawValue)
            if !item.min.isEmpty { element.pointee.min = encodeList(item.min, arena) }
            if !item.max.isEmpty { element.pointee.max = encodeList(item.max, arena) }
            if !item.defaultLimit.isEmpty { element.pointee.default_limit = encodeList(item.defaultLimit, arena) }
            return element
        }
        (message.pointee.n_items, message.pointee.items) = arena.repeated(items)
        return message
    }

    package static func decodeLimitRange(_ m: Vpa__Store__V1__LimitRangeObserved) throws(WireError) -> LimitRangeObservation {
        var items: [LimitRangeObservation.Item] = []
        for index in 0..<m.n_items {
            guard let item = m.items[index]?.pointee else { continue }
            guard let type = LimitRangeObservation.LimitType(rawValue: string(item.type)) else {
                throw .invalidField(.limitRangeObserved, field: "items.type")
            }
            items.append(LimitRangeObservation.Item(
                type: type, min: item.min.map { list($0.pointee) } ?? ResourceList(),
                max: item.max.map { list($0.pointee) } ?? ResourceList(),
                defaultLimit: item.default_limit.map { list($0.pointee) } ?? ResourceList()))
        }
        return LimitRangeObservation(namespace: string(m.namespace_), name: string(m.name), items: items)
    }
}
