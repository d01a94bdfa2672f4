import LogCodec
import CStoreProto
import StoreAPI
import VPAModel

// GetActualResources, GetResizeState, ListResizes and ListOomKills.

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
        m.pointee.limit = UInt32(clamping: limit ?? 0)
        m.pointee.page_after = arena.optionalCString(pageAfter)
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
            let ownerKind = givenString(m.owner_kind), ownerName = givenString(m.owner_name)
            guard (ownerKind == nil) == (ownerName == nil) else {
                throw .invalidValue(field: ownerKind == nil ? "GetActualResourcesRequest.owner_kind" : "GetActualResourcesRequest.owner_name",
                                    reason: "empty; give owner_kind and owner_name together")
            }
            return ActualResourcesRequest(namespace: givenString(m.namespace_), pod: givenString(m.pod), container: givenString(m.container),
                                          owner: ownerKind.map { ($0, ownerName ?? "") }, at: at,
                                          limit: m.limit == 0 ? nil : Int(m.limit), pageAfter: givenString(m.page_after))
        }
    }
}

extension ActualResourcesResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__get_actual_resources_response__init)
        m.pointee.position = position
        (m.pointee.n_containers, m.pointee.containers) = arena.repeated(containers.map { ViewCodec.encode($0, arena) })
        m.pointee.next_page_after = arena.optionalCString(nextPageAfter)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.GetActualResourcesResponse",
                                 vpa__store__v1__get_actual_resources_response__unpack,
                                 vpa__store__v1__get_actual_resources_response__free_unpacked) { (m) throws(WireError) in
            ActualResourcesResponse(position: m.position,
                                    containers: try repeated(m.n_containers, m.containers) { (row, _) throws(WireError) in
                                        try ViewCodec.decode(row)
                                    },
                                    nextPageAfter: givenString(m.next_page_after))
        }
    }
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
            guard let namespace = givenString(m.namespace_) else {
                throw .invalidValue(field: "GetResizeStateRequest.namespace", reason: "empty; name the pod's namespace")
            }
            guard let name = givenString(m.pod) else {
                throw .invalidValue(field: "GetResizeStateRequest.pod", reason: "empty; name the pod")
            }
            return ResizeStateRequest(pod: PodKey(namespace: namespace, name: name), now: givenTime(m.now_ms),
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
        m.pointee.state_filter = .init(rawValue: shiftedNumber(state, in: WireEnums.resizeStates))
        // The deprecated name too, for one release: a server older than the enum ignores
        // `state_filter` and would list every state.
        m.pointee.state = arena.optionalCString(state?.rawValue)
        m.pointee.namespace_ = arena.optionalCString(namespace)
        m.pointee.now_ms = now?.unixMilliseconds ?? 0
        m.pointee.timeouts = encodeTimeouts(timeouts, arena)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListResizesRequest", vpa__store__v1__list_resizes_request__unpack,
                                 vpa__store__v1__list_resizes_request__free_unpacked) { (m) throws(WireError) in
            ResizesRequest(state: try decodeResizeState(m.state_filter.rawValue, enumField: "ListResizesRequest.state_filter",
                                                        name: givenString(m.state), nameField: "ListResizesRequest.state"),
                           namespace: givenString(m.namespace_), now: givenTime(m.now_ms),
                           timeouts: try decodeTimeouts(m.timeouts, field: "ListResizesRequest.timeouts"))
        }
    }
}

extension ResizesResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_resizes_response__init)
        m.pointee.position = position
        (m.pointee.n_resizes, m.pointee.resizes) = arena.repeated(resizes.map { ViewCodec.encode($0, arena) })
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
            OOMKillsRequest(namespace: givenString(m.namespace_), pod: givenString(m.pod), container: givenString(m.container),
                            since: givenTime(m.since_ms), until: givenTime(m.until_ms))
        }
    }
}

extension OOMKillsResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_oom_kills_response__init)
        m.pointee.position = position
        (m.pointee.n_kills, m.pointee.kills) = arena.repeated(kills.map { ViewCodec.encode($0, arena) })
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
