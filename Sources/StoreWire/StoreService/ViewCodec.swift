import LogCodec
import CStoreProto
import StoreAPI
import VPAModel

// protobuf-c <-> Swift for the messages of views.proto, shared by the Store service's responses.

enum ViewCodec {
    static func encode(_ view: ContainerResourcesView, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__ContainerResources> {
        let m = arena.message(vpa__store__v1__container_resources__init)
        m.pointee.namespace_ = arena.cString(view.namespace)
        m.pointee.pod = arena.cString(view.pod)
        m.pointee.pod_uid = arena.cString(view.podUID)
        m.pointee.container = arena.cString(view.container)
        (m.pointee.has_container_type, m.pointee.container_type) = (1, .init(rawValue: WireEnums.containerType(view.containerType)))
        m.pointee.actual = EventCodec.encodeRequirements(view.actual, arena)
        m.pointee.desired = EventCodec.encodeRequirements(view.desired, arena)
        (m.pointee.has_source, m.pointee.source) = (1, .init(rawValue: WireEnums.source(view.source)))
        (m.pointee.has_resize_state, m.pointee.resize_state) = (1, .init(rawValue: WireEnums.resizeState(view.resizeState)))
        if let since = view.resizeSince { (m.pointee.has_resize_since_ms, m.pointee.resize_since_ms) = (1, since.unixMilliseconds) }
        (m.pointee.has_position, m.pointee.position) = (1, view.position)
        return m
    }

    static func decode(_ m: Vpa__Store__V1__ContainerResources) throws(WireError) -> ContainerResourcesView {
        ContainerResourcesView(
            namespace: EventCodec.string(m.namespace_), pod: EventCodec.string(m.pod), podUID: EventCodec.string(m.pod_uid),
            container: EventCodec.string(m.container),
            containerType: try enumValue(m.container_type.rawValue, WireEnums.containerTypes, "ContainerResources.container_type"),
            actual: EventCodec.requirements(m.actual), desired: EventCodec.requirements(m.desired),
            source: try enumValue(m.source.rawValue, WireEnums.sources, "ContainerResources.source"),
            resizeState: try enumValue(m.resize_state.rawValue, WireEnums.resizeStates, "ContainerResources.resize_state"),
            resizeSince: m.has_resize_since_ms != 0 ? Timestamp(unixMilliseconds: m.resize_since_ms) : nil,
            position: m.position)
    }

    static func encode(_ view: ResizeView, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__PodResize> {
        let m = arena.message(vpa__store__v1__pod_resize__init)
        m.pointee.namespace_ = arena.cString(view.namespace)
        m.pointee.pod = arena.cString(view.pod)
        m.pointee.pod_uid = arena.cString(view.podUID)
        (m.pointee.has_state, m.pointee.state) = (1, .init(rawValue: WireEnums.resizeState(view.state)))
        if let since = view.since { (m.pointee.has_since_ms, m.pointee.since_ms) = (1, since.unixMilliseconds) }
        (m.pointee.has_initiator, m.pointee.initiator) = (1, .init(rawValue: WireEnums.initiator(view.initiator)))
        m.pointee.reason = arena.cString(view.reason)
        m.pointee.message = arena.cString(view.message)
        (m.pointee.has_elapsed_seconds, m.pointee.elapsed_seconds) = (1, view.elapsedSeconds)
        (m.pointee.has_timed_out, m.pointee.timed_out) = (1, view.timedOut ? 1 : 0)
        (m.pointee.has_position, m.pointee.position) = (1, view.position)
        return m
    }

    static func decode(_ m: Vpa__Store__V1__PodResize) throws(WireError) -> ResizeView {
        ResizeView(
            namespace: EventCodec.string(m.namespace_), pod: EventCodec.string(m.pod), podUID: EventCodec.string(m.pod_uid),
            state: try enumValue(m.state.rawValue, WireEnums.resizeStates, "PodResize.state"),
            since: m.has_since_ms != 0 ? Timestamp(unixMilliseconds: m.since_ms) : nil,
            initiator: try enumValue(m.initiator.rawValue, WireEnums.initiators, "PodResize.initiator"),
            reason: EventCodec.string(m.reason), message: EventCodec.string(m.message),
            elapsedSeconds: m.elapsed_seconds, timedOut: m.timed_out != 0, position: m.position)
    }

    static func encode(_ view: OOMView, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__OomKillRecord> {
        let m = arena.message(vpa__store__v1__oom_kill_record__init)
        m.pointee.namespace_ = arena.cString(view.namespace)
        m.pointee.pod = arena.cString(view.pod)
        m.pointee.pod_uid = arena.cString(view.podUID)
        m.pointee.kill = EventCodec.encodeOOMKill(view.kill, arena)
        (m.pointee.has_position, m.pointee.position) = (1, view.position)
        return m
    }

    static func decode(_ m: Vpa__Store__V1__OomKillRecord) throws(WireError) -> OOMView {
        guard let kill = m.kill?.pointee else { throw .invalidValue(field: "OomKillRecord.kill", reason: "missing") }
        return OOMView(namespace: EventCodec.string(m.namespace_), pod: EventCodec.string(m.pod),
                       podUID: EventCodec.string(m.pod_uid), kill: try EventCodec.decodeOOMKill(kill), position: m.position)
    }

    static func encode(_ record: EventRecord, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__LoggedEvent> {
        let m = arena.message(vpa__store__v1__logged_event__init)
        let event = record.event
        (m.pointee.has_position, m.pointee.position) = (1, event.position)
        (m.pointee.has_type, m.pointee.type) = (1, .init(rawValue: UInt32(event.body.type.rawValue)))
        (m.pointee.has_body, m.pointee.body) = (1, arena.binary(EventCodec.encode(event.body)))
        (m.pointee.has_stream_id, m.pointee.stream_id) = (1, event.streamID)
        if let previous = event.streamPrevious { (m.pointee.has_stream_previous, m.pointee.stream_previous) = (1, previous) }
        (m.pointee.has_occurred_at_ms, m.pointee.occurred_at_ms) = (1, event.occurredAt.unixMilliseconds)
        (m.pointee.has_recorded_at_ms, m.pointee.recorded_at_ms) = (1, event.recordedAt.unixMilliseconds)
        if let cause = event.causedBy { (m.pointee.has_caused_by, m.pointee.caused_by) = (1, cause) }
        if let stream = record.stream {
            m.pointee.stream_key = arena.cString(stream.key)
            m.pointee.namespace_ = arena.cString(stream.namespace)
            m.pointee.name = arena.cString(stream.name)
            (m.pointee.has_stream_kind, m.pointee.stream_kind) = (1, Int32(stream.kind.rawValue))
        }
        return m
    }

    static func decode(_ m: Vpa__Store__V1__LoggedEvent) throws(WireError) -> EventRecord {
        let body = try withRawBytesOf(m.body) { (raw) throws(WireError) in
            try EventCodec.decode(typeNumber: Int32(bitPattern: m.type.rawValue), bytes: raw)
        }
        let event = StoredEvent(
            position: m.position, streamID: m.stream_id, streamPrevious: m.has_stream_previous != 0 ? m.stream_previous : nil,
            occurredAt: Timestamp(unixMilliseconds: m.occurred_at_ms), recordedAt: Timestamp(unixMilliseconds: m.recorded_at_ms),
            causedBy: m.has_caused_by != 0 ? m.caused_by : nil, body: body)
        let key = EventCodec.string(m.stream_key)
        let kind = m.has_stream_kind != 0 ? StreamInfo.Kind(rawValue: Int64(m.stream_kind)) : nil
        let stream = StreamInfo(id: m.stream_id, kind: kind ?? (m.stream_id == 1 ? .store : .pod), key: key,
                                namespace: EventCodec.string(m.namespace_), name: EventCodec.string(m.name))
        return EventRecord(event: event, stream: stream)
    }

    static func encode(_ summary: IngestSummary, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__IngestSummary> {
        let m = arena.message(vpa__store__v1__ingest_summary__init)
        (m.pointee.has_observations, m.pointee.observations) = (1, Int64(summary.observations))
        (m.pointee.has_pods_observed, m.pointee.pods_observed) = (1, Int64(summary.podsObserved))
        (m.pointee.has_events_appended, m.pointee.events_appended) = (1, Int64(summary.eventsAppended))
        (m.pointee.has_unchanged, m.pointee.unchanged) = (1, Int64(summary.unchanged))
        (m.pointee.has_stale, m.pointee.stale) = (1, Int64(summary.stale))
        (m.pointee.has_resize_transitions, m.pointee.resize_transitions) = (1, Int64(summary.resizeTransitions))
        (m.pointee.has_oom_kills, m.pointee.oom_kills) = (1, Int64(summary.oomKills))
        (m.pointee.has_evictions, m.pointee.evictions) = (1, Int64(summary.evictions))
        (m.pointee.has_in_place_mode_changes, m.pointee.in_place_mode_changes) = (1, Int64(summary.inPlaceModeChanges))
        (m.pointee.has_vpas_observed, m.pointee.vpas_observed) = (1, Int64(summary.vpasObserved))
        (m.pointee.has_usage_samples, m.pointee.usage_samples) = (1, Int64(summary.usageSamples))
        (m.pointee.has_usage_without_pod, m.pointee.usage_without_pod) = (1, Int64(summary.usageWithoutPod))
        (m.pointee.has_limit_ranges_observed, m.pointee.limit_ranges_observed) = (1, Int64(summary.limitRangesObserved))
        (m.pointee.has_checkpoints_imported, m.pointee.checkpoints_imported) = (1, Int64(summary.checkpointsImported))
        (m.pointee.has_checkpoints_skipped, m.pointee.checkpoints_skipped) = (1, Int64(summary.checkpointsSkipped))
        if let first = summary.firstPosition { (m.pointee.has_first_position, m.pointee.first_position) = (1, first) }
        if let last = summary.lastPosition { (m.pointee.has_last_position, m.pointee.last_position) = (1, last) }
        return m
    }

    static func decode(_ m: Vpa__Store__V1__IngestSummary) -> IngestSummary {
        var summary = IngestSummary()
        summary.observations = Int(m.observations)
        summary.podsObserved = Int(m.pods_observed)
        summary.eventsAppended = Int(m.events_appended)
        summary.unchanged = Int(m.unchanged)
        summary.stale = Int(m.stale)
        summary.resizeTransitions = Int(m.resize_transitions)
        summary.oomKills = Int(m.oom_kills)
        summary.evictions = Int(m.evictions)
        summary.inPlaceModeChanges = Int(m.in_place_mode_changes)
        summary.vpasObserved = Int(m.vpas_observed)
        summary.usageSamples = Int(m.usage_samples)
        summary.usageWithoutPod = Int(m.usage_without_pod)
        summary.limitRangesObserved = Int(m.limit_ranges_observed)
        summary.checkpointsImported = Int(m.checkpoints_imported)
        summary.checkpointsSkipped = Int(m.checkpoints_skipped)
        summary.firstPosition = m.has_first_position != 0 ? m.first_position : nil
        summary.lastPosition = m.has_last_position != 0 ? m.last_position : nil
        return summary
    }

    /// The case numbered `number` of a proto enum, or an error naming the field.
    static func enumValue<T>(_ number: UInt32, _ table: [T], _ field: String) throws(WireError) -> T {
        guard let value = WireEnums.value(number, in: table) else {
            throw .invalidValue(field: field, reason: "\(number) is not a value this vpa-store knows")
        }
        return value
    }
}

/// `body` over the bytes of a protobuf-c `bytes` field, without copying them.
func withRawBytesOf<R>(_ data: ProtobufCBinaryData, _ body: (UnsafeRawBufferPointer) throws(WireError) -> R) throws(WireError) -> R {
    try body(UnsafeRawBufferPointer(start: data.data, count: data.data == nil ? 0 : data.len))
}

/// Reads the repeated message field `elements` (`count` pointers) with `read`.
func repeated<T, R>(_ count: Int, _ elements: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?,
                    _ read: (T, Int) throws(WireError) -> R) throws(WireError) -> [R] {
    guard let elements else { return [] }
    var result: [R] = []
    result.reserveCapacity(count)
    for index in 0..<count {
        guard let element = elements[index] else { continue }
        result.append(try read(element.pointee, index))
    }
    return result
}
