import CStoreProto
import VPAModel

// protobuf-c <-> Swift for the request and response messages of store.proto. Decoding validates:
// an error names the message and field that is wrong, which the server returns as INVALID_ARGUMENT.

private func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String { EventCodec.string(pointer) }

/// nil for an absent or empty proto3 string ("" means "not given").
private func given(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    let value = EventCodec.string(pointer)
    return value.isEmpty ? nil : value
}

/// nil for a proto3 time of 0 ("not given").
private func givenTime(_ milliseconds: Int64) -> Timestamp? {
    milliseconds == 0 ? nil : Timestamp(unixMilliseconds: milliseconds)
}

private func decodeMessage<T, R>(
    _ bytes: [UInt8], _ name: String,
    _ unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<T>?,
    _ free: (UnsafeMutablePointer<T>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
    _ read: (T) throws(WireError) -> R
) throws(WireError) -> R {
    try withRawBytes(bytes) { (raw) throws(WireError) in try withUnpacked(raw, name, unpack, free, read) }
}

private func parseResizeState(named name: String?, field: String) throws(WireError) -> ResizeState? {
    guard let name else { return nil }
    guard let state = ResizeState(rawValue: name) else {
        throw .invalidValue(field: field, reason: "\"\(name)\" is not a resize state; use one of "
                            + ResizeState.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return state
}

private func parseInPlaceMode(named name: String?, field: String) throws(WireError) -> InPlaceMode? {
    guard let name else { return nil }
    guard let mode = InPlaceMode(rawValue: name) else {
        throw .invalidValue(field: field, reason: "\"\(name)\" is not an in-place mode; use auto, enabled or disabled")
    }
    return mode
}

private func nonNegative(_ value: Int64, field: String) throws(WireError) -> Int64 {
    guard value >= 0 else { throw .invalidValue(field: field, reason: "\(value) is negative") }
    return value
}

extension ServerInfoRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        return packMessage(arena.message(vpa__store__v1__get_server_info_request__init))
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        try decodeMessage(bytes, "vpa.store.v1.GetServerInfoRequest", vpa__store__v1__get_server_info_request__unpack,
                          vpa__store__v1__get_server_info_request__free_unpacked) { (_) throws(WireError) in () }
    }
}

extension ServerInfo: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__server_info__init)
        m.pointee.server_version = arena.cString(serverVersion)
        m.pointee.protocol_version = protocolVersion
        m.pointee.store_id = arena.cString(storeID)
        m.pointee.head_position = headPosition
        m.pointee.first_position = firstPosition
        m.pointee.in_place_mode = arena.cString(inPlaceMode.rawValue)
        m.pointee.in_place_detected = inPlaceDetected ? 1 : 0
        m.pointee.started_at_ms = startedAt.unixMilliseconds
        m.pointee.open_connections = openConnections
        m.pointee.watchers = watchers
        let s = arena.message(vpa__store__v1__server_settings__init)
        s.pointee.database = arena.cString(settings.database)
        s.pointee.listen = arena.cString(settings.listen)
        s.pointee.max_frame_bytes = settings.maxFrameBytes
        s.pointee.token_required = settings.tokenRequired ? 1 : 0
        s.pointee.deferred_timeout_ms = settings.timeouts.deferredMilliseconds
        s.pointee.in_progress_timeout_ms = settings.timeouts.inProgressMilliseconds
        s.pointee.watch_buffer_events = settings.watchBufferEvents
        s.pointee.watch_progress_interval_ms = settings.watchProgressIntervalMilliseconds
        s.pointee.shutdown_grace_ms = settings.shutdownGraceMilliseconds
        m.pointee.settings = s
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ServerInfo", vpa__store__v1__server_info__unpack,
                                 vpa__store__v1__server_info__free_unpacked) { (m) throws(WireError) in
            let s = m.settings?.pointee ?? Vpa__Store__V1__ServerSettings()
            return ServerInfo(
                serverVersion: text(m.server_version), protocolVersion: m.protocol_version, storeID: text(m.store_id),
                headPosition: m.head_position, firstPosition: m.first_position,
                inPlaceMode: try parseInPlaceMode(named: given(m.in_place_mode), field: "ServerInfo.in_place_mode") ?? .auto,
                inPlaceDetected: m.in_place_detected != 0, startedAt: Timestamp(unixMilliseconds: m.started_at_ms),
                openConnections: m.open_connections, watchers: m.watchers,
                settings: ServerSettings(
                    database: text(s.database), listen: text(s.listen), maxFrameBytes: s.max_frame_bytes,
                    tokenRequired: s.token_required != 0,
                    timeouts: ResizeTimeouts(deferredMilliseconds: s.deferred_timeout_ms,
                                             inProgressMilliseconds: s.in_progress_timeout_ms),
                    watchBufferEvents: s.watch_buffer_events, watchProgressIntervalMilliseconds: s.watch_progress_interval_ms,
                    shutdownGraceMilliseconds: s.shutdown_grace_ms))
        }
    }
}

extension HealthRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        return packMessage(arena.message(vpa__store__v1__check_health_request__init))
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        try decodeMessage(bytes, "vpa.store.v1.CheckHealthRequest", vpa__store__v1__check_health_request__unpack,
                          vpa__store__v1__check_health_request__free_unpacked) { (_) throws(WireError) in () }
    }
}

extension HealthStatus: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__health_status__init)
        m.pointee.status = serving ? VPA__STORE__V1__HEALTH_STATUS__SERVING_STATUS__SERVING_STATUS_SERVING
                                   : VPA__STORE__V1__HEALTH_STATUS__SERVING_STATUS__SERVING_STATUS_NOT_SERVING
        m.pointee.head_position = headPosition
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.HealthStatus", vpa__store__v1__health_status__unpack,
                                 vpa__store__v1__health_status__free_unpacked) { (m) throws(WireError) in
            HealthStatus(serving: m.status == VPA__STORE__V1__HEALTH_STATUS__SERVING_STATUS__SERVING_STATUS_SERVING,
                         headPosition: m.head_position)
        }
    }
}

extension AppendRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__append_request__init)
        m.pointee.idempotency_key = arena.optionalCString(idempotencyKey)
        if let expectedHead {
            m.pointee.expectation_case = VPA__STORE__V1__APPEND_REQUEST__EXPECTATION_EXPECTED_HEAD
            m.pointee.expected_head = expectedHead
        }
        let events = events.map { event in
            let e = arena.message(vpa__store__v1__event_to_append__init)
            e.pointee.pod_key = arena.cString(event.podKey)
            e.pointee.occurred_at_ms = event.occurredAt?.unixMilliseconds ?? 0
            switch event.body {
            case .resizeRequested(let request):
                e.pointee.body_case = VPA__STORE__V1__EVENT_TO_APPEND__BODY_RESIZE_REQUESTED
                e.pointee.resize_requested = EventCodec.encodeResizeRequest(request, arena)
            }
            return e
        }
        m.pointee.n_events = events.count
        m.pointee.events = arena.pointerArray(events)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.AppendRequest", vpa__store__v1__append_request__unpack,
                                 vpa__store__v1__append_request__free_unpacked) { (m) throws(WireError) in
            let events = try repeated(m.n_events, m.events) { (e, index) throws(WireError) -> AppendEvent in
                let field = "AppendRequest.events[\(index)]"
                guard let podKey = given(e.pod_key) else {
                    throw .invalidValue(field: "\(field).pod_key", reason: "empty; give the pod's UID or namespace/name")
                }
                let body: AppendEvent.Body
                switch e.body_case {
                case VPA__STORE__V1__EVENT_TO_APPEND__BODY_RESIZE_REQUESTED:
                    body = .resizeRequested(try EventCodec.decodeResizeRequest(e.resize_requested.pointee))
                default:
                    throw .invalidValue(field: "\(field).body", reason: "no event body is set")
                }
                return AppendEvent(podKey: podKey, occurredAt: givenTime(e.occurred_at_ms), body: body)
            }
            guard !events.isEmpty else { throw .invalidValue(field: "AppendRequest.events", reason: "empty; nothing to append") }
            let expected = m.expectation_case == VPA__STORE__V1__APPEND_REQUEST__EXPECTATION_EXPECTED_HEAD
                ? try nonNegative(m.expected_head, field: "AppendRequest.expected_head") : nil
            return AppendRequest(idempotencyKey: given(m.idempotency_key), expectedHead: expected, events: events)
        }
    }
}

extension AppendResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__append_response__init)
        m.pointee.first_position = firstPosition
        m.pointee.last_position = lastPosition
        m.pointee.head_position = headPosition
        m.pointee.replayed = replayed ? 1 : 0
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.AppendResponse", vpa__store__v1__append_response__unpack,
                                 vpa__store__v1__append_response__free_unpacked) { (m) throws(WireError) in
            AppendResponse(firstPosition: m.first_position, lastPosition: m.last_position,
                           headPosition: m.head_position, replayed: m.replayed != 0)
        }
    }
}

extension IngestRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__ingest_request__init)
        m.pointee.idempotency_key = arena.optionalCString(idempotencyKey)
        if let expectedHead {
            m.pointee.expectation_case = VPA__STORE__V1__INGEST_REQUEST__EXPECTATION_EXPECTED_HEAD
            m.pointee.expected_head = expectedHead
        }
        m.pointee.observed_at_ms = observedAt?.unixMilliseconds ?? 0
        m.pointee.in_place_mode = arena.optionalCString(inPlaceMode?.rawValue)
        let items = observations.map { observation in
            let item = arena.message(vpa__store__v1__ingest_item__init)
            switch observation {
            case .pod(let pod):
                item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_POD
                item.pointee.pod = EventCodec.encodePod(pod, arena)
            case .podDeleted(let pod):
                item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_DELETED_POD
                item.pointee.deleted_pod = EventCodec.encodePod(pod, arena)
            case .eviction(let eviction):
                item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_EVICTION
                item.pointee.eviction = EventCodec.encodeEviction(eviction, arena)
            }
            return item
        }
        m.pointee.n_items = items.count
        m.pointee.items = arena.pointerArray(items)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.IngestRequest", vpa__store__v1__ingest_request__unpack,
                                 vpa__store__v1__ingest_request__free_unpacked) { (m) throws(WireError) in
            let observations = try repeated(m.n_items, m.items) { (item, index) throws(WireError) -> Observation in
                let field = "IngestRequest.items[\(index)]"
                switch item.item_case {
                case VPA__STORE__V1__INGEST_ITEM__ITEM_POD:
                    return .pod(try checkedPod(item.pod.pointee, field: "\(field).pod"))
                case VPA__STORE__V1__INGEST_ITEM__ITEM_DELETED_POD:
                    return .podDeleted(try checkedPod(item.deleted_pod.pointee, field: "\(field).deleted_pod"))
                case VPA__STORE__V1__INGEST_ITEM__ITEM_EVICTION:
                    let eviction = EventCodec.decodeEviction(item.eviction.pointee)
                    guard !eviction.podName.isEmpty, !eviction.podNamespace.isEmpty else {
                        throw .invalidValue(field: "\(field).eviction.pod_name", reason: "empty; an eviction must name its pod")
                    }
                    return .eviction(eviction)
                default:
                    throw .invalidValue(field: field, reason: "no item is set (pod, deleted_pod or eviction)")
                }
            }
            let expected = m.expectation_case == VPA__STORE__V1__INGEST_REQUEST__EXPECTATION_EXPECTED_HEAD
                ? try nonNegative(m.expected_head, field: "IngestRequest.expected_head") : nil
            return IngestRequest(
                idempotencyKey: given(m.idempotency_key), expectedHead: expected, observedAt: givenTime(m.observed_at_ms),
                inPlaceMode: try parseInPlaceMode(named: given(m.in_place_mode), field: "IngestRequest.in_place_mode"),
                observations: observations)
        }
    }
}

/// A pod from a request, with the fields the store keys it by present.
private func checkedPod(_ m: Vpa__Store__V1__PodObserved, field: String) throws(WireError) -> PodObservation {
    let pod = try EventCodec.decodePod(m)
    guard !pod.namespace.isEmpty else { throw .invalidValue(field: "\(field).namespace", reason: "empty") }
    guard !pod.name.isEmpty else { throw .invalidValue(field: "\(field).name", reason: "empty") }
    return pod
}

extension IngestResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__ingest_response__init)
        m.pointee.summary = ViewCodec.encode(summary, arena)
        m.pointee.head_position = headPosition
        m.pointee.replayed = replayed ? 1 : 0
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.IngestResponse", vpa__store__v1__ingest_response__unpack,
                                 vpa__store__v1__ingest_response__free_unpacked) { (m) throws(WireError) in
            IngestResponse(summary: m.summary.map { ViewCodec.decode($0.pointee) } ?? IngestSummary(),
                           headPosition: m.head_position, replayed: m.replayed != 0)
        }
    }
}

extension ActualResourcesRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__get_actual_resources_request__init)
        m.pointee.namespace_ = arena.optionalCString(namespace)
        m.pointee.pod = arena.optionalCString(pod)
        m.pointee.container = arena.optionalCString(container)
        m.pointee.owner_kind = arena.optionalCString(ownerKind)
        m.pointee.owner_name = arena.optionalCString(ownerName)
        switch at {
        case .time(let time):
            m.pointee.at_case = VPA__STORE__V1__GET_ACTUAL_RESOURCES_REQUEST__AT_AT_TIME_MS
            m.pointee.at_time_ms = time.unixMilliseconds
        case .position(let position):
            m.pointee.at_case = VPA__STORE__V1__GET_ACTUAL_RESOURCES_REQUEST__AT_AT_POSITION
            m.pointee.at_position = position
        case nil:
            break
        }
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.GetActualResourcesRequest",
                                 vpa__store__v1__get_actual_resources_request__unpack,
                                 vpa__store__v1__get_actual_resources_request__free_unpacked) { (m) throws(WireError) in
            let at: PointInTime?
            switch m.at_case {
            case VPA__STORE__V1__GET_ACTUAL_RESOURCES_REQUEST__AT_AT_TIME_MS:
                at = .time(Timestamp(unixMilliseconds: m.at_time_ms))
            case VPA__STORE__V1__GET_ACTUAL_RESOURCES_REQUEST__AT_AT_POSITION:
                at = .position(try nonNegative(m.at_position, field: "GetActualResourcesRequest.at_position"))
            default:
                at = nil
            }
            let ownerKind = given(m.owner_kind), ownerName = given(m.owner_name)
            guard (ownerKind == nil) == (ownerName == nil) else {
                throw .invalidValue(field: ownerKind == nil ? "GetActualResourcesRequest.owner_kind" : "GetActualResourcesRequest.owner_name",
                                    reason: "empty; give owner_kind and owner_name together")
            }
            return ActualResourcesRequest(namespace: given(m.namespace_), pod: given(m.pod), container: given(m.container),
                                          owner: ownerKind.map { ($0, ownerName ?? "") }, at: at)
        }
    }
}

extension ActualResourcesResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__get_actual_resources_response__init)
        m.pointee.position = position
        let rows = containers.map { ViewCodec.encode($0, arena) }
        m.pointee.n_containers = rows.count
        m.pointee.containers = arena.pointerArray(rows)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.GetActualResourcesResponse",
                                 vpa__store__v1__get_actual_resources_response__unpack,
                                 vpa__store__v1__get_actual_resources_response__free_unpacked) { (m) throws(WireError) in
            ActualResourcesResponse(position: m.position,
                                    containers: try repeated(m.n_containers, m.containers) { (row, _) throws(WireError) in
                                        try ViewCodec.decode(row)
                                    })
        }
    }
}

private func encodeTimeouts(_ timeouts: ResizeTimeouts?, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__ResizeTimeoutSettings>? {
    guard let timeouts else { return nil }
    let m = arena.message(vpa__store__v1__resize_timeout_settings__init)
    m.pointee.deferred_timeout_ms = timeouts.deferredMilliseconds
    m.pointee.in_progress_timeout_ms = timeouts.inProgressMilliseconds
    return m
}

/// The request's timeouts, each 0 meaning the server's (filled in by the server from `defaults`).
private func decodeTimeouts(_ pointer: UnsafeMutablePointer<Vpa__Store__V1__ResizeTimeoutSettings>?, field: String)
    throws(WireError) -> ResizeTimeouts? {
    guard let m = pointer?.pointee else { return nil }
    return ResizeTimeouts(deferredMilliseconds: try nonNegative(m.deferred_timeout_ms, field: "\(field).deferred_timeout_ms"),
                          inProgressMilliseconds: try nonNegative(m.in_progress_timeout_ms, field: "\(field).in_progress_timeout_ms"))
}

extension ResizeStateRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__get_resize_state_request__init)
        m.pointee.namespace_ = arena.cString(pod.namespace)
        m.pointee.pod = arena.cString(pod.name)
        m.pointee.now_ms = now?.unixMilliseconds ?? 0
        m.pointee.timeouts = encodeTimeouts(timeouts, arena)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.GetResizeStateRequest", vpa__store__v1__get_resize_state_request__unpack,
                                 vpa__store__v1__get_resize_state_request__free_unpacked) { (m) throws(WireError) in
            guard let namespace = given(m.namespace_) else {
                throw .invalidValue(field: "GetResizeStateRequest.namespace", reason: "empty; name the pod's namespace")
            }
            guard let name = given(m.pod) else {
                throw .invalidValue(field: "GetResizeStateRequest.pod", reason: "empty; name the pod")
            }
            return ResizeStateRequest(pod: PodName(namespace: namespace, name: name), now: givenTime(m.now_ms),
                                      timeouts: try decodeTimeouts(m.timeouts, field: "GetResizeStateRequest.timeouts"))
        }
    }
}

extension ResizeStateResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__get_resize_state_response__init)
        m.pointee.position = position
        m.pointee.resize = ViewCodec.encode(resize, arena)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.GetResizeStateResponse", vpa__store__v1__get_resize_state_response__unpack,
                                 vpa__store__v1__get_resize_state_response__free_unpacked) { (m) throws(WireError) in
            guard let resize = m.resize?.pointee else {
                throw .invalidValue(field: "GetResizeStateResponse.resize", reason: "missing")
            }
            return ResizeStateResponse(position: m.position, resize: try ViewCodec.decode(resize))
        }
    }
}

extension ResizesRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_resizes_request__init)
        m.pointee.state = arena.optionalCString(state?.rawValue)
        m.pointee.namespace_ = arena.optionalCString(namespace)
        m.pointee.now_ms = now?.unixMilliseconds ?? 0
        m.pointee.timeouts = encodeTimeouts(timeouts, arena)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListResizesRequest", vpa__store__v1__list_resizes_request__unpack,
                                 vpa__store__v1__list_resizes_request__free_unpacked) { (m) throws(WireError) in
            ResizesRequest(state: try parseResizeState(named: given(m.state), field: "ListResizesRequest.state"),
                           namespace: given(m.namespace_), now: givenTime(m.now_ms),
                           timeouts: try decodeTimeouts(m.timeouts, field: "ListResizesRequest.timeouts"))
        }
    }
}

extension ResizesResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_resizes_response__init)
        m.pointee.position = position
        let rows = resizes.map { ViewCodec.encode($0, arena) }
        m.pointee.n_resizes = rows.count
        m.pointee.resizes = arena.pointerArray(rows)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListResizesResponse", vpa__store__v1__list_resizes_response__unpack,
                                 vpa__store__v1__list_resizes_response__free_unpacked) { (m) throws(WireError) in
            ResizesResponse(position: m.position, resizes: try repeated(m.n_resizes, m.resizes) { (row, _) throws(WireError) in
                try ViewCodec.decode(row)
            })
        }
    }
}

extension OOMKillsRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_oom_kills_request__init)
        m.pointee.namespace_ = arena.optionalCString(namespace)
        m.pointee.pod = arena.optionalCString(pod)
        m.pointee.container = arena.optionalCString(container)
        m.pointee.since_ms = since?.unixMilliseconds ?? 0
        m.pointee.until_ms = until?.unixMilliseconds ?? 0
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListOomKillsRequest", vpa__store__v1__list_oom_kills_request__unpack,
                                 vpa__store__v1__list_oom_kills_request__free_unpacked) { (m) throws(WireError) in
            OOMKillsRequest(namespace: given(m.namespace_), pod: given(m.pod), container: given(m.container),
                            since: givenTime(m.since_ms), until: givenTime(m.until_ms))
        }
    }
}

extension OOMKillsResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_oom_kills_response__init)
        m.pointee.position = position
        let rows = kills.map { ViewCodec.encode($0, arena) }
        m.pointee.n_kills = rows.count
        m.pointee.kills = arena.pointerArray(rows)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListOomKillsResponse", vpa__store__v1__list_oom_kills_response__unpack,
                                 vpa__store__v1__list_oom_kills_response__free_unpacked) { (m) throws(WireError) in
            OOMKillsResponse(position: m.position, kills: try repeated(m.n_kills, m.kills) { (row, _) throws(WireError) in
                try ViewCodec.decode(row)
            })
        }
    }
}

private func encodeSelector(_ selector: EventSelector, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__EventSelector> {
    let m = arena.message(vpa__store__v1__event_selector__init)
    m.pointee.namespace_ = arena.optionalCString(selector.pod?.namespace)
    m.pointee.pod = arena.optionalCString(selector.pod?.name)
    m.pointee.type = arena.optionalCString(selector.type?.name)
    m.pointee.since_ms = selector.since?.unixMilliseconds ?? 0
    m.pointee.until_ms = selector.until?.unixMilliseconds ?? 0
    return m
}

private func decodeSelector(_ pointer: UnsafeMutablePointer<Vpa__Store__V1__EventSelector>?, field: String)
    throws(WireError) -> EventSelector {
    guard let m = pointer?.pointee else { return EventSelector() }
    let namespace = given(m.namespace_), pod = given(m.pod)
    guard (namespace == nil) == (pod == nil) else {
        throw .invalidValue(field: "\(field).\(namespace == nil ? "namespace" : "pod")",
                            reason: "empty; give namespace and pod together")
    }
    var type: EventType?
    if let name = given(m.type) {
        guard let known = EventType(name: name) else {
            throw .invalidValue(field: "\(field).type", reason: "\"\(name)\" is not an event type; use one of "
                                + EventType.allCases.map(\.name).joined(separator: ", "))
        }
        type = known
    }
    return EventSelector(pod: namespace.map { PodName(namespace: $0, name: pod ?? "") }, type: type,
                         since: givenTime(m.since_ms), until: givenTime(m.until_ms))
}

extension ReadEventsRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__read_events_request__init)
        m.pointee.from_position = fromPosition
        m.pointee.limit = UInt32(clamping: limit)
        m.pointee.selector = encodeSelector(selector, arena)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ReadEventsRequest", vpa__store__v1__read_events_request__unpack,
                                 vpa__store__v1__read_events_request__free_unpacked) { (m) throws(WireError) in
            guard m.limit <= ReadEventsRequest.maximumLimit else {
                throw .invalidValue(field: "ReadEventsRequest.limit",
                                    reason: "\(m.limit) is above the largest page, \(ReadEventsRequest.maximumLimit)")
            }
            return ReadEventsRequest(fromPosition: try nonNegative(m.from_position, field: "ReadEventsRequest.from_position"),
                                     limit: m.limit == 0 ? 1000 : Int(m.limit),
                                     selector: try decodeSelector(m.selector, field: "ReadEventsRequest.selector"))
        }
    }
}

extension WatchRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__watch_request__init)
        m.pointee.from_position = fromPosition ?? 0
        m.pointee.selector = encodeSelector(selector, arena)
        m.pointee.progress_interval_ms = progressIntervalMilliseconds ?? 0
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.WatchRequest", vpa__store__v1__watch_request__unpack,
                                 vpa__store__v1__watch_request__free_unpacked) { (m) throws(WireError) in
            let from = try nonNegative(m.from_position, field: "WatchRequest.from_position")
            return WatchRequest(fromPosition: from == 0 ? nil : from,
                                selector: try decodeSelector(m.selector, field: "WatchRequest.selector"),
                                progressIntervalMilliseconds: m.progress_interval_ms == 0 ? nil : m.progress_interval_ms)
        }
    }
}

extension EventPage: WireMessage {
    /// Encoded as a WatchResponse, which has the same fields with the same numbers as
    /// ReadEventsResponse, so one encoding serves both.
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__watch_response__init)
        let rows = events.map { ViewCodec.encode($0, arena) }
        m.pointee.n_events = rows.count
        m.pointee.events = arena.pointerArray(rows)
        m.pointee.next_position = nextPosition
        m.pointee.head_position = headPosition
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.WatchResponse", vpa__store__v1__watch_response__unpack,
                                 vpa__store__v1__watch_response__free_unpacked) { (m) throws(WireError) in
            EventPage(events: try repeated(m.n_events, m.events) { (row, _) throws(WireError) in try ViewCodec.decode(row) },
                      nextPosition: m.next_position, headPosition: m.head_position)
        }
    }
}
