import CStoreProto
import StoreAPI
import VPAModel

extension EventCodec {
    /// Decodes the body of an event whose `type` column is `typeNumber`.
    public static func decode(typeNumber: Int32, bytes: UnsafeRawBufferPointer) throws(WireError) -> EventBody {
        guard let type = EventType(rawValue: typeNumber) else { throw .unknownEventType(typeNumber) }
        return try decode(type: type, bytes: bytes)
    }

    /// Decodes the body of an event of `type`. The protobuf-c message is freed before this returns:
    /// nothing of it escapes.
    public static func decode(type: EventType, bytes: UnsafeRawBufferPointer) throws(WireError) -> EventBody {
        let count = bytes.count
        // protobuf-c reads `count` bytes from the pointer; an empty body has no base address, and any
        // non-null pointer will do since nothing is read.
        let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        /// Unpacks the body with protobuf-c's `unpack` (`malformedBody` when it cannot), hands the
        /// message to `read`, and frees it with `free` before returning.
        func unpacked<M>(_ unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<M>?,
                         _ free: (UnsafeMutablePointer<M>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
                         _ read: (M) throws(WireError) -> EventBody) throws(WireError) -> EventBody {
            guard let message = unpack(nil, count, data) else { throw .malformedBody(type, byteCount: count) }
            defer { free(message, nil) }
            return try read(message.pointee)
        }
        switch type {
        case .podObserved:
            return try unpacked(vpa__store__v1__pod_observed__unpack, vpa__store__v1__pod_observed__free_unpacked) {
                (m) throws(WireError) in .podObserved(try decodePod(m))
            }
        case .podDeleted:
            return try unpacked(vpa__store__v1__pod_deleted__unpack, vpa__store__v1__pod_deleted__free_unpacked) {
                (m) throws(WireError) in .podDeleted(namespace: string(m.namespace_), name: string(m.name))
            }
        case .resizeTransition:
            return try unpacked(vpa__store__v1__resize_transition__unpack, vpa__store__v1__resize_transition__free_unpacked) {
                (m) throws(WireError) in
                guard let from = WireEnums.value(m.from_state.rawValue, in: WireEnums.resizeStates),
                      let to = WireEnums.value(m.to_state.rawValue, in: WireEnums.resizeStates) else {
                    throw .invalidField(type, field: "from_state/to_state")
                }
                guard let initiator = WireEnums.value(m.initiator.rawValue, in: WireEnums.initiators) else {
                    throw .invalidField(type, field: "initiator")
                }
                return .resizeTransition(ResizeTransition(
                    from: from, to: to, initiator: initiator, reason: string(m.reason), message: string(m.message),
                    newResize: m.has_new_resize != 0 && m.new_resize != 0,
                    generation: m.has_generation != 0 ? m.generation : nil))
            }
        case .oomKilled:
            return try unpacked(vpa__store__v1__oom_killed__unpack, vpa__store__v1__oom_killed__free_unpacked) {
                (m) throws(WireError) in .oomKilled(try decodeOOMKill(m))
            }
        case .evictionObserved:
            return try unpacked(vpa__store__v1__eviction_observed__unpack, vpa__store__v1__eviction_observed__free_unpacked) {
                (m) throws(WireError) in .evictionObserved(decodeEviction(m))
            }
        case .inPlaceModeChanged:
            return try unpacked(vpa__store__v1__in_place_mode_changed__unpack, vpa__store__v1__in_place_mode_changed__free_unpacked) {
                (m) throws(WireError) in
                guard let mode = WireEnums.value(m.mode.rawValue, in: WireEnums.inPlaceModes) else {
                    throw .invalidField(type, field: "mode")
                }
                return .inPlaceModeChanged(InPlaceModeChange(mode: mode, detected: m.detected != 0))
            }
        case .resizeRequested:
            return try unpacked(vpa__store__v1__resize_requested__unpack, vpa__store__v1__resize_requested__free_unpacked) {
                (m) throws(WireError) in .resizeRequested(try decodeResizeRequest(m))
            }
        case .vpaObserved:
            return try unpacked(vpa__store__v1__vpa_observed__unpack, vpa__store__v1__vpa_observed__free_unpacked) {
                (m) throws(WireError) in .vpaObserved(try decodeVPA(m))
            }
        case .vpaDeleted:
            return try unpacked(vpa__store__v1__vpa_deleted__unpack, vpa__store__v1__vpa_deleted__free_unpacked) {
                (m) throws(WireError) in .vpaDeleted(namespace: string(m.namespace_), name: string(m.name))
            }
        case .limitRangeObserved:
            return try unpacked(vpa__store__v1__limit_range_observed__unpack, vpa__store__v1__limit_range_observed__free_unpacked) {
                (m) throws(WireError) in .limitRangeObserved(try decodeLimitRange(m))
            }
        case .limitRangeDeleted:
            return try unpacked(vpa__store__v1__limit_range_deleted__unpack, vpa__store__v1__limit_range_deleted__free_unpacked) {
                (m) throws(WireError) in .limitRangeDeleted(namespace: string(m.namespace_), name: string(m.name))
            }
        case .usageExpired:
            return try unpacked(vpa__store__v1__usage_expired__unpack, vpa__store__v1__usage_expired__free_unpacked) {
                (m) throws(WireError) in
                .usageExpired(UsageExpiry(before: Timestamp(unixMilliseconds: m.before_ms), eventsRemoved: m.events_removed))
            }
        case .usageSampled:
            // The bulk of the log: read in Swift when the body has the common layout (see UsageBodyCodec).
            if let sample = UsageBodyCodec.decode(bytes) { return .usageSampled(sample) }
            return try unpacked(vpa__store__v1__usage_sampled__unpack, vpa__store__v1__usage_sampled__free_unpacked) {
                (m) throws(WireError) in .usageSampled(decodeUsage(m))
            }
        case .recommendationPublished:
            return try unpacked(vpa__store__v1__recommendation_published__unpack, vpa__store__v1__recommendation_published__free_unpacked) {
                (m) throws(WireError) in .recommendationPublished(decodeRecommendation(m))
            }
        case .updaterDecision:
            return try unpacked(vpa__store__v1__updater_decision__unpack, vpa__store__v1__updater_decision__free_unpacked) {
                (m) throws(WireError) in .updaterDecision(try decodeDecision(m))
            }
        case .recommenderCheckpoint:
            return try unpacked(vpa__store__v1__recommender_checkpoint__unpack, vpa__store__v1__recommender_checkpoint__free_unpacked) {
                (m) throws(WireError) in .recommenderCheckpoint(decodeCheckpoint(m))
            }
        }
    }

    package static func decodeOOMKill(_ m: Vpa__Store__V1__OomKilled) throws(WireError) -> OOMKill {
        let type = EventType.oomKilled
        guard let kind = WireEnums.value(m.kind.rawValue, in: WireEnums.oomKinds) else {
            throw .invalidField(type, field: "kind")
        }
        guard let source = WireEnums.value(m.source.rawValue, in: WireEnums.sources) else {
            throw .invalidField(type, field: "source")
        }
        return OOMKill(
            container: string(m.container), containerType: try containerType(m.container_type.rawValue, type),
            kind: kind, at: Timestamp(unixMilliseconds: m.at_ms),
            memoryRequestBytes: m.has_memory_request_bytes != 0 ? m.memory_request_bytes : nil,
            memoryLimitBytes: m.has_memory_limit_bytes != 0 ? m.memory_limit_bytes : nil,
            source: source, usageBytes: m.has_usage_bytes != 0 ? m.usage_bytes : nil,
            restartCount: m.has_restart_count != 0 ? m.restart_count : nil)
    }

    package static func decodeEviction(_ m: Vpa__Store__V1__EvictionObserved) -> EvictionObservation {
        let offenders = (0..<m.n_offenders).compactMap { index -> EvictionObservation.Offender? in
            guard let offender = m.offenders[index]?.pointee else { return nil }
            return .init(container: string(offender.container), usageBytes: offender.usage_bytes)
        }
        return EvictionObservation(
            eventKey: string(m.event_key), podNamespace: string(m.pod_namespace), podName: string(m.pod_name),
            podUID: optionalString(m.pod_uid), at: Timestamp(unixMilliseconds: m.at_ms), offenders: offenders)
    }

    package static func decodeResizeRequest(_ m: Vpa__Store__V1__ResizeRequested) throws(WireError) -> ResizeRequest {
        let type = EventType.resizeRequested
        var targets: [ResizeRequest.Target] = []
        for index in 0..<m.n_targets {
            guard let target = m.targets[index]?.pointee else { continue }
            targets.append(.init(container: string(target.container),
                                 type: try containerType(target.type.rawValue, type),
                                 resources: requirements(target.resources)))
        }
        return ResizeRequest(targets: targets, requestedBy: string(m.requested_by), reason: string(m.reason))
    }

    package static func decodePod(_ m: Vpa__Store__V1__PodObserved) throws(WireError) -> PodObservation {
        var pod = PodObservation(
            uid: optionalString(m.uid), namespace: string(m.namespace_), name: string(m.name),
            generation: m.has_generation != 0 ? m.generation : nil,
            observedGeneration: m.has_observed_generation != 0 ? m.observed_generation : nil,
            phase: optionalString(m.phase),
            startTime: m.has_start_time_ms != 0 ? Timestamp(unixMilliseconds: m.start_time_ms) : nil,
            nodeName: optionalString(m.node_name),
            legacyResizeStatus: optionalString(m.legacy_resize_status))
        pod.vpaObservedContainers = optionalString(m.vpa_observed_containers)
        pod.owners.reserveCapacity(m.n_owners)
        for index in 0..<m.n_owners {
            guard let owner = m.owners[index]?.pointee else { continue }
            pod.owners.append(OwnerReference(kind: string(owner.kind), name: string(owner.name), uid: string(owner.uid),
                                             controller: owner.has_controller != 0 && owner.controller != 0))
        }
        for index in 0..<m.n_resize_conditions {
            guard let condition = m.resize_conditions[index]?.pointee else { continue }
            pod.resizeConditions.append(PodCondition(
                type: string(condition.type), status: string(condition.status), reason: string(condition.reason),
                message: string(condition.message),
                lastTransitionTime: condition.has_last_transition_time_ms != 0
                    ? Timestamp(unixMilliseconds: condition.last_transition_time_ms) : nil,
                observedGeneration: condition.has_observed_generation != 0 ? condition.observed_generation : nil))
        }
        pod.containers.reserveCapacity(m.n_containers)
        for index in 0..<m.n_containers {
            guard let container = m.containers[index]?.pointee else { continue }
            var observation = ContainerObservation(
                name: string(container.name), type: try containerType(container.type.rawValue, .podObserved),
                desired: requirements(container.desired))
            if let status = container.status?.pointee {
                observation.status = ContainerStatusObservation(
                    resources: status.resources.map { requirements($0) },
                    allocatedResources: status.allocated_resources.map { list($0.pointee) },
                    restartCount: status.has_restart_count != 0 ? status.restart_count : 0,
                    state: try status.state.map { pointer throws(WireError) in try state(pointer.pointee) },
                    lastState: try status.last_state.map { pointer throws(WireError) in try state(pointer.pointee) })
            }
            pod.containers.append(observation)
        }
        return pod
    }

    private static func state(_ m: Vpa__Store__V1__ContainerState) throws(WireError) -> ContainerState {
        let started = m.has_started_at_ms != 0 ? Timestamp(unixMilliseconds: m.started_at_ms) : nil
        switch m.kind {
        case VPA__STORE__V1__CONTAINER_STATE__KIND__KIND_RUNNING:
            return .running(startedAt: started)
        case VPA__STORE__V1__CONTAINER_STATE__KIND__KIND_TERMINATED:
            return .terminated(reason: optionalString(m.reason), exitCode: m.has_exit_code != 0 ? m.exit_code : nil,
                               startedAt: started,
                               finishedAt: m.has_finished_at_ms != 0 ? Timestamp(unixMilliseconds: m.finished_at_ms) : nil)
        case VPA__STORE__V1__CONTAINER_STATE__KIND__KIND_WAITING:
            return .waiting(reason: optionalString(m.reason))
        default:
            throw .invalidField(.podObserved, field: "containers.status.state.kind")
        }
    }

    package static func containerType(_ number: UInt32, _ type: EventType) throws(WireError) -> ContainerType {
        guard let value = WireEnums.value(number, in: WireEnums.containerTypes) else {
            throw .invalidField(type, field: "container type")
        }
        return value
    }

    package static func requirements(_ pointer: UnsafeMutablePointer<Vpa__Store__V1__ResourceRequirements>?) -> ResourceRequirements {
        guard let m = pointer?.pointee else { return ResourceRequirements() }
        return ResourceRequirements(requests: m.requests.map { list($0.pointee) } ?? ResourceList(),
                                    limits: m.limits.map { list($0.pointee) } ?? ResourceList())
    }

    package static func list(_ m: Vpa__Store__V1__ResourceList) -> ResourceList {
        ResourceList(cpuMillicores: m.has_cpu_millicores != 0 ? m.cpu_millicores : nil,
                     memoryBytes: m.has_memory_bytes != 0 ? m.memory_bytes : nil)
    }

    package static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    package static func optionalString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
