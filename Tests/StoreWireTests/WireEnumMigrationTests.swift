import LogCodec
import StoreAPI
import StoreWire
import Testing
import VPAModel

/// store.proto's closed sets moved from strings to enums (in_place_mode_setting, state_filter,
/// event_type). A client older than that still sends the deprecated string fields, hand-encoded
/// here as such a client's bytes: the server must read them, read the enum first when both are set,
/// and refuse an unknown name with the field and the allowed values.
@Suite struct WireEnumMigrationTests {
    /// A length-delimited protobuf field (wire type 2) with a short payload.
    func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [number << 3 | 2, UInt8(payload.count)] + payload
    }

    func field(_ number: UInt8, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    /// A varint field (wire type 0) with a value below 128.
    func varint(_ number: UInt8, _ value: UInt8) -> [UInt8] { [number << 3, value] }

    @Test func oldStringFormsDecode() throws {
        #expect(try IngestRequest(decoding: field(4, "disabled")).inPlaceMode == .disabled)
        #expect(try ResizesRequest(decoding: field(1, "in_progress")).state == .inProgress)
        // ReadEventsRequest.selector (3) holding EventSelector.type (3), matched without regard to case.
        #expect(try ReadEventsRequest(decoding: field(3, field(3, "oomkilled"))).selector.type == .oomKilled)
        #expect(try WatchRequest(decoding: field(2, field(3, EventType.podObserved.name))).selector.type == .podObserved)
        #expect(try ServerInfo(decoding: field(6, "enabled")).inPlaceMode == .enabled)
    }

    /// Requests carry the enum and, for one release, the deprecated name: a server older than
    /// the enum ignores the enum field and would otherwise answer without the filter.
    @Test func enumFormsDecodeAndRequestsCarryTheOldNameForOldServers() throws {
        let ingest = IngestRequest(inPlaceMode: .disabled, observations: [])
        #expect(ingest.encoded() == field(4, "disabled") + varint(6, 3))
        #expect(try IngestRequest(decoding: ingest.encoded()) == ingest)
        let resizes = ResizesRequest(state: ResizeState.none)
        #expect(resizes.encoded() == field(1, "none") + varint(5, 1), "`none` is a state to filter by, not the absent filter")
        #expect(try ResizesRequest(decoding: resizes.encoded()) == resizes)
        let events = ReadEventsRequest(fromPosition: 1, limit: 5, selector: EventSelector(type: .limitRangeDeleted))
        #expect(events.encoded() == varint(1, 1) + varint(2, 5) + field(3, field(3, EventType.limitRangeDeleted.name) + varint(8, 16)))
        #expect(try ReadEventsRequest(decoding: events.encoded()) == events)
        #expect(try IngestRequest(decoding: IngestRequest(observations: []).encoded()).inPlaceMode == nil)
        #expect(try ResizesRequest(decoding: ResizesRequest().encoded()).state == nil)
    }

    @Test func theEnumWinsOverTheOldString() throws {
        #expect(try IngestRequest(decoding: field(4, "disabled") + varint(6, 2)).inPlaceMode == .enabled)
        #expect(try ResizesRequest(decoding: field(1, "in_progress") + varint(5, 6)).state == .completed)
        #expect(try ReadEventsRequest(decoding: field(3, field(3, "PodObserved") + varint(8, 2))).selector.type == .podDeleted)
    }

    @Test func serverInfoStillCarriesTheOldStringForOldClients() throws {
        let info = ServerInfo(serverVersion: "v", protocolVersion: 1, storeID: "s", headPosition: 0, firstPosition: 0,
                              inPlaceMode: .disabled, inPlaceDetected: false, startedAt: Timestamp(unixMilliseconds: 0),
                              openConnections: 0, watchers: 0, settings: ServerSettings(
                                database: "", listen: "", maxFrameBytes: 0, tokenRequired: false,
                                timeouts: ResizeTimeouts(deferred: .milliseconds(0), inProgress: .milliseconds(0)),
                                watchBufferEvents: 0, watchProgressInterval: .zero, shutdownGrace: .zero))
        let bytes = info.encoded()
        #expect(bytes.indices.contains { bytes[$0...].starts(with: field(6, "disabled")) })
        #expect(bytes.indices.contains { bytes[$0...].starts(with: [12 << 3, 3]) })
        #expect(try ServerInfo(decoding: bytes) == info)
    }

    @Test func unknownNamesAndNumbersAreRefusedNamingTheField() throws {
        #expect(throws: WireError.invalidValue(field: "IngestRequest.in_place_mode",
                                               reason: "\"sometimes\" is not an in-place mode; use one of auto, enabled, disabled")) {
            try IngestRequest(decoding: field(4, "sometimes"))
        }
        #expect(throws: WireError.invalidValue(field: "ReadEventsRequest.selector.type", reason: "\"PodSneezed\" is not an event type; use one of "
                                               + EventType.allCases.map(\.name).joined(separator: ", "))) {
            try ReadEventsRequest(decoding: field(3, field(3, "PodSneezed")))
        }
        #expect(throws: WireError.invalidValue(field: "ListResizesRequest.state_filter", reason: "7 is not a resize state this vpa-store "
                                               + "knows; upgrade vpa-store or use one of none, pending_deferred, pending_infeasible, "
                                               + "in_progress, in_progress_error, completed (by name in ListResizesRequest.state)")) {
            try ResizesRequest(decoding: varint(5, 7))
        }
        #expect(throws: WireError.self) { try IngestRequest(decoding: varint(6, 4)) }
        #expect(throws: WireError.self) { try WatchRequest(decoding: field(2, varint(8, 99))) }
    }
}
