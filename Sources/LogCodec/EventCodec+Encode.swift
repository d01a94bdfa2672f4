import CStoreProto
import StoreAPI
import VPAModel

/// Encodes and decodes event bodies as the protobuf messages of proto/vpa/store/v1/events.proto.
///
/// The only place (with `WireError`) that touches protobuf-c: everything else sees `EventBody`.
public enum EventCodec {
    /// The protobuf encoding of `body`. Encoding the same value always gives the same bytes
    /// (fields in number order, repeated fields in the value's order), which is what lets the store
    /// tell an unchanged re-observation by comparing bytes.
    public static func encode(_ body: EventBody) -> [UInt8] {
        // The bulk of the log: the same bytes protobuf-c packs, without its arena (see UsageBodyCodec).
        if case .usageSampled(let sample) = body { return UsageBodyCodec.encode(sample) }
        let arena = CArena()
        switch body {
        case .podObserved(let pod):
            return packMessage(encodePod(pod, arena))
        case .podDeleted(let namespace, let name):
            let message = arena.message(vpa__store__v1__pod_deleted__init)
            message.pointee.namespace_ = arena.cString(namespace)
            message.pointee.name = arena.cString(name)
            return packMessage(message)
        case .resizeTransition(let transition):
            let message = arena.message(vpa__store__v1__resize_transition__init)
            (message.pointee.has_from_state, message.pointee.from_state) = (1, .init(rawValue: WireEnums.resizeState(transition.from)))
            (message.pointee.has_to_state, message.pointee.to_state) = (1, .init(rawValue: WireEnums.resizeState(transition.to)))
            (message.pointee.has_initiator, message.pointee.initiator) = (1, .init(rawValue: WireEnums.initiator(transition.initiator)))
            if !transition.reason.isEmpty { message.pointee.reason = arena.cString(transition.reason) }
            if !transition.message.isEmpty { message.pointee.message = arena.cString(transition.message) }
            if transition.newResize {
                (message.pointee.has_new_resize, message.pointee.new_resize) = (1, 1)
            }
            if let generation = transition.generation { (message.pointee.has_generation, message.pointee.generation) = (1, generation) }
            return packMessage(message)
        case .oomKilled(let kill):
            return packMessage(encodeOOMKill(kill, arena))
        case .evictionObserved(let eviction):
            return packMessage(encodeEviction(eviction, arena))
        case .inPlaceModeChanged(let change):
            let message = arena.message(vpa__store__v1__in_place_mode_changed__init)
            (message.pointee.has_mode, message.pointee.mode) = (1, .init(rawValue: WireEnums.inPlaceMode(change.mode)))
            (message.pointee.has_detected, message.pointee.detected) = (1, change.detected ? 1 : 0)
            return packMessage(message)
        case .resizeRequested(let request):
            return packMessage(encodeResizeRequest(request, arena))
        case .vpaObserved(let vpa):
            return packMessage(encodeVPA(vpa, arena))
        case .vpaDeleted(let namespace, let name):
            let message = arena.message(vpa__store__v1__vpa_deleted__init)
            message.pointee.namespace_ = arena.cString(namespace)
            message.pointee.name = arena.cString(name)
            return packMessage(message)
        case .usageSampled(let sample):
            return UsageBodyCodec.encode(sample)
        case .recommendationPublished(let published):
            return packMessage(encodeRecommendation(published, arena))
        case .updaterDecision(let decision):
            return packMessage(encodeDecision(decision, arena))
        case .recommenderCheckpoint(let checkpoint):
            return packMessage(encodeCheckpoint(checkpoint, arena))
        case .usageExpired(let expiry):
            let message = arena.message(vpa__store__v1__usage_expired__init)
            (message.pointee.has_before_ms, message.pointee.before_ms) = (1, expiry.before.unixMilliseconds)
            (message.pointee.has_events_removed, message.pointee.events_removed) = (1, expiry.eventsRemoved)
            return packMessage(message)
        case .limitRangeObserved(let range):
            return packMessage(encodeLimitRange(range, arena))
        case .limitRangeDeleted(let namespace, let name):
            let message = arena.message(vpa__store__v1__limit_range_deleted__init)
            message.pointee.namespace_ = arena.cString(namespace)
            message.pointee.name = arena.cString(name)
            return packMessage(message)
        }
    }

    package static func encodeOOMKill(_ kill: OOMKill, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__OomKilled> {
        let message = arena.message(vpa__store__v1__oom_killed__init)
        message.pointee.container = arena.cString(kill.container)
        if kill.containerType != .container {
            message.pointee.has_container_type = 1
            message.pointee.container_type = .init(rawValue: WireEnums.containerType(kill.containerType))
        }
        (message.pointee.has_kind, message.pointee.kind) = (1, .init(rawValue: WireEnums.oomKind(kill.kind)))
        (message.pointee.has_at_ms, message.pointee.at_ms) = (1, kill.at.unixMilliseconds)
        if let bytes = kill.memoryRequestBytes {
            (message.pointee.has_memory_request_bytes, message.pointee.memory_request_bytes) = (1, bytes)
        }
        if let bytes = kill.memoryLimitBytes { (message.pointee.has_memory_limit_bytes, message.pointee.memory_limit_bytes) = (1, bytes) }
        (message.pointee.has_source, message.pointee.source) = (1, .init(rawValue: WireEnums.source(kill.source)))
        if let bytes = kill.usageBytes { (message.pointee.has_usage_bytes, message.pointee.usage_bytes) = (1, bytes) }
        if let count = kill.restartCount { (message.pointee.has_restart_count, message.pointee.restart_count) = (1, count) }
        return message
    }

    package static func encodeEviction(_ eviction: EvictionObservation, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__EvictionObserved> {
        let message = arena.message(vpa__store__v1__eviction_observed__init)
        message.pointee.event_key = arena.cString(eviction.eventKey)
        (message.pointee.has_at_ms, message.pointee.at_ms) = (1, eviction.at.unixMilliseconds)
        message.pointee.pod_namespace = arena.cString(eviction.podNamespace)
        message.pointee.pod_name = arena.cString(eviction.podName)
        message.pointee.pod_uid = arena.optionalCString(eviction.podUID)
        let offenders = eviction.offenders.map { offender in
            let element = arena.message(vpa__store__v1__eviction_observed__offender__init)
            element.pointee.container = arena.cString(offender.container)
            (element.pointee.has_usage_bytes, element.pointee.usage_bytes) = (1, offender.usageBytes)
            return element
        }
        (message.pointee.n_offenders, message.pointee.offenders) = arena.repeated(offenders)
        return message
    }

    package static func encodeResizeRequest(_ request: ResizeRequest, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__ResizeRequested> {
        let message = arena.message(vpa__store__v1__resize_requested__init)
        let targets = request.targets.map { target in
            let element = arena.message(vpa__store__v1__resize_requested__target__init)
            element.pointee.container = arena.cString(target.container)
            if target.type != .container {
                (element.pointee.has_type, element.pointee.type) = (1, .init(rawValue: WireEnums.containerType(target.type)))
            }
            element.pointee.resources = encodeRequirements(target.resources, arena)
            return element
        }
        (message.pointee.n_targets, message.pointee.targets) = arena.repeated(targets)
        message.pointee.requested_by = arena.cString(request.requestedBy)
        if !request.reason.isEmpty { message.pointee.reason = arena.cString(request.reason) }
        return message
    }

    package static func encodePod(_ pod: PodObservation, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__PodObserved> {
        let message = arena.message(vpa__store__v1__pod_observed__init)
        message.pointee.uid = arena.optionalCString(pod.uid)
        message.pointee.namespace_ = arena.cString(pod.namespace)
        message.pointee.name = arena.cString(pod.name)
        message.pointee.vpa_observed_containers = arena.optionalCString(pod.vpaObservedContainers)
        if let generation = pod.generation { (message.pointee.has_generation, message.pointee.generation) = (1, generation) }
        if let generation = pod.observedGeneration {
            (message.pointee.has_observed_generation, message.pointee.observed_generation) = (1, generation)
        }
        message.pointee.phase = arena.optionalCString(pod.phase)
        if let start = pod.startTime { (message.pointee.has_start_time_ms, message.pointee.start_time_ms) = (1, start.unixMilliseconds) }
        message.pointee.node_name = arena.optionalCString(pod.nodeName)
        let owners = pod.owners.map { owner in
            let element = arena.message(vpa__store__v1__owner_reference__init)
            element.pointee.kind = arena.cString(owner.kind)
            element.pointee.name = arena.cString(owner.name)
            if !owner.uid.isEmpty { element.pointee.uid = arena.cString(owner.uid) }
            if owner.controller {
                (element.pointee.has_controller, element.pointee.controller) = (1, 1)
            }
            return element
        }
        (message.pointee.n_owners, message.pointee.owners) = arena.repeated(owners)
        let conditions = pod.resizeConditions.map { condition in
            let element = arena.message(vpa__store__v1__pod_condition__init)
            element.pointee.type = arena.cString(condition.type)
            element.pointee.status = arena.cString(condition.status)
            if !condition.reason.isEmpty { element.pointee.reason = arena.cString(condition.reason) }
            if !condition.message.isEmpty { element.pointee.message = arena.cString(condition.message) }
            if let time = condition.lastTransitionTime {
                (element.pointee.has_last_transition_time_ms, element.pointee.last_transition_time_ms) = (1, time.unixMilliseconds)
            }
            if let generation = condition.observedGeneration {
                (element.pointee.has_observed_generation, element.pointee.observed_generation) = (1, generation)
            }
            return element
        }
        (message.pointee.n_resize_conditions, message.pointee.resize_conditions) = arena.repeated(conditions)
        message.pointee.legacy_resize_status = arena.optionalCString(pod.legacyResizeStatus)
        let containers = pod.containers.map { container in
            let element = arena.message(vpa__store__v1__container__init)
            element.pointee.name = arena.cString(container.name)
            if container.type != .container {
                (element.pointee.has_type, element.pointee.type) = (1, .init(rawValue: WireEnums.containerType(container.type)))
            }
            element.pointee.desired = encodeRequirements(container.desired, arena)
            if let status = container.status {
                element.pointee.status = encodeStatus(status, arena)
            }
            return element
        }
        (message.pointee.n_containers, message.pointee.containers) = arena.repeated(containers)
        return message
    }

    private static func encodeStatus(_ status: ContainerStatusObservation, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__ContainerStatus> {
        let message = arena.message(vpa__store__v1__container_status__init)
        if let resources = status.resources {
            message.pointee.resources = encodeRequirements(resources, arena)
        }
        if let allocated = status.allocatedResources {
            message.pointee.allocated_resources = encodeList(allocated, arena)
        }
        if status.restartCount != 0 {
            (message.pointee.has_restart_count, message.pointee.restart_count) = (1, status.restartCount)
        }
        if let state = status.state { message.pointee.state = encodeState(state, arena) }
        if let state = status.lastState { message.pointee.last_state = encodeState(state, arena) }
        return message
    }

    private static func encodeState(_ state: ContainerState, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__ContainerState> {
        let message = arena.message(vpa__store__v1__container_state__init)
        message.pointee.has_kind = 1
        switch state {
        case .running(let startedAt):
            message.pointee.kind = VPA__STORE__V1__CONTAINER_STATE__KIND__KIND_RUNNING
            if let time = startedAt { (message.pointee.has_started_at_ms, message.pointee.started_at_ms) = (1, time.unixMilliseconds) }
        case .terminated(let reason, let exitCode, let startedAt, let finishedAt):
            message.pointee.kind = VPA__STORE__V1__CONTAINER_STATE__KIND__KIND_TERMINATED
            message.pointee.reason = arena.optionalCString(reason)
            if let code = exitCode { (message.pointee.has_exit_code, message.pointee.exit_code) = (1, code) }
            if let time = startedAt { (message.pointee.has_started_at_ms, message.pointee.started_at_ms) = (1, time.unixMilliseconds) }
            if let time = finishedAt { (message.pointee.has_finished_at_ms, message.pointee.finished_at_ms) = (1, time.unixMilliseconds) }
        case .waiting(let reason):
            message.pointee.kind = VPA__STORE__V1__CONTAINER_STATE__KIND__KIND_WAITING
            message.pointee.reason = arena.optionalCString(reason)
        }
        return message
    }

    package static func encodeRequirements(_ requirements: ResourceRequirements, _ arena: CArena)
        -> UnsafeMutablePointer<Vpa__Store__V1__ResourceRequirements> {
        let message = arena.message(vpa__store__v1__resource_requirements__init)
        if !requirements.requests.isEmpty { message.pointee.requests = encodeList(requirements.requests, arena) }
        if !requirements.limits.isEmpty { message.pointee.limits = encodeList(requirements.limits, arena) }
        return message
    }

    package static func encodeList(_ list: ResourceList, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__ResourceList> {
        let message = arena.message(vpa__store__v1__resource_list__init)
        if let cpu = list.cpuMillicores { (message.pointee.has_cpu_millicores, message.pointee.cpu_millicores) = (1, cpu) }
        if let memory = list.memoryBytes { (message.pointee.has_memory_bytes, message.pointee.memory_bytes) = (1, memory) }
        return message
    }
}
