import LogCodec
import CStoreProto
import StoreAPI
import VPAModel

// GetServerInfo and CheckHealth.

extension ServerInfoRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        return packMessage(arena.message(vpa__store__v1__get_server_info_request__init))
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        try decodeMessage(bytes, "vpa.store.v1.GetServerInfoRequest", vpa__store__v1__get_server_info_request__unpack,
                          vpa__store__v1__get_server_info_request__free_unpacked) { (_) throws(WireError) in () }
        self.init()
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
        m.pointee.in_place_mode_setting = .init(rawValue: shiftedNumber(inPlaceMode, in: WireEnums.inPlaceModes))
        // The deprecated string too: a client older than the enum reads an absent one as `auto`.
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
        s.pointee.deferred_timeout_ms = settings.timeouts.deferred.wholeMilliseconds
        s.pointee.in_progress_timeout_ms = settings.timeouts.inProgress.wholeMilliseconds
        s.pointee.watch_buffer_events = settings.watchBufferEvents
        s.pointee.watch_progress_interval_ms = settings.watchProgressInterval.wholeMilliseconds
        s.pointee.shutdown_grace_ms = settings.shutdownGrace.wholeMilliseconds
        m.pointee.settings = s
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ServerInfo", vpa__store__v1__server_info__unpack,
                                 vpa__store__v1__server_info__free_unpacked) { (m) throws(WireError) in
            let s = m.settings?.pointee ?? Vpa__Store__V1__ServerSettings()
            return ServerInfo(
                serverVersion: wireString(m.server_version), protocolVersion: m.protocol_version, storeID: wireString(m.store_id),
                headPosition: m.head_position, firstPosition: m.first_position,
                inPlaceMode: try decodeInPlaceMode(m.in_place_mode_setting.rawValue, enumField: "ServerInfo.in_place_mode_setting",
                                                   name: givenString(m.in_place_mode), nameField: "ServerInfo.in_place_mode") ?? .auto,
                inPlaceDetected: m.in_place_detected != 0, startedAt: Timestamp(unixMilliseconds: m.started_at_ms),
                openConnections: m.open_connections, watchers: m.watchers,
                settings: ServerSettings(
                    database: wireString(s.database), listen: wireString(s.listen), maxFrameBytes: s.max_frame_bytes,
                    tokenRequired: s.token_required != 0,
                    timeouts: ResizeTimeouts(deferred: .milliseconds(s.deferred_timeout_ms),
                                             inProgress: .milliseconds(s.in_progress_timeout_ms)),
                    watchBufferEvents: s.watch_buffer_events, watchProgressInterval: .milliseconds(s.watch_progress_interval_ms),
                    shutdownGrace: .milliseconds(s.shutdown_grace_ms)))
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
        self.init()
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
