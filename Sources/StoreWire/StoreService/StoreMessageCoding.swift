import LogCodec
import CStoreProto
import StoreAPI
import VPAModel

// Helpers shared by the codecs of store.proto's messages (StoreMessages+*.swift). Decoding validates:
// an error names the message and field that is wrong, which the server returns as INVALID_ARGUMENT.

func wireString(_ pointer: UnsafeMutablePointer<CChar>?) -> String { EventCodec.string(pointer) }

/// nil for an absent or empty proto3 string ("" means "not given").
func givenString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    let value = EventCodec.string(pointer)
    return value.isEmpty ? nil : value
}

/// nil for a proto3 time of 0 ("not given").
func givenTime(_ milliseconds: Int64) -> Timestamp? {
    milliseconds == 0 ? nil : Timestamp(unixMilliseconds: milliseconds)
}

func decodeMessage<T, R>(
    _ bytes: [UInt8], _ name: String,
    _ unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<T>?,
    _ free: (UnsafeMutablePointer<T>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
    _ read: (T) throws(WireError) -> R
) throws(WireError) -> R {
    // Requests come from anyone who can connect: their strings and times are checked here, before
    // any arithmetic. Answers carry what the store holds, which a client shows rather than refuses,
    // and a Watch client should not walk every page twice.
    let checks: WireValidation.Checks = name.hasSuffix("Request") ? .stringsAndTimes : .none
    return try withRawBytes(bytes) { (raw) throws(WireError) in try withUnpacked(raw, name, unpack, free, checks: checks, read) }
}

/// The number of a store.proto enum that mirrors a WireEnums table shifted by one, so that 0 can
/// mean "not given" in proto3 (ResizeStateFilter, InPlaceModeSetting).
func shiftedNumber<T: Equatable>(_ value: T?, in table: [T]) -> UInt32 {
    value.map { WireEnums.number(of: $0, in: table) + 1 } ?? 0
}

/// A value a client sends as an enum field or, when older than that field, as a name in the
/// deprecated string field it replaced. The enum wins when both are set; either one unknown is an
/// error naming its field.
func enumOrName<T>(_ number: UInt32, enumField: String, name: String?, nameField: String, kind: String,
                   byNumber: (UInt32) -> T?, byName: (String) -> T?, names: [String]) throws(WireError) -> T? {
    if number != 0 {
        guard let value = byNumber(number) else {
            throw .invalidValue(field: enumField, reason: "\(number) is not \(kind) this vpa-store knows; upgrade vpa-store or use one of "
                                + names.joined(separator: ", ") + " (by name in \(nameField))")
        }
        return value
    }
    guard let name else { return nil }
    guard let value = byName(name) else {
        throw .invalidValue(field: nameField, reason: "\"\(name)\" is not \(kind); use one of " + names.joined(separator: ", "))
    }
    return value
}

/// ResizeStateFilter, or the name in the deprecated string field before it.
func decodeResizeState(_ number: UInt32, enumField: String, name: String?, nameField: String) throws(WireError) -> ResizeState? {
    try enumOrName(number, enumField: enumField, name: name, nameField: nameField, kind: "a resize state",
                   byNumber: { WireEnums.value($0 - 1, in: WireEnums.resizeStates) }, byName: { ResizeState(rawValue: $0) },
                   names: ResizeState.allCases.map(\.rawValue))
}

/// InPlaceModeSetting, or the name in the deprecated string field before it.
func decodeInPlaceMode(_ number: UInt32, enumField: String, name: String?, nameField: String) throws(WireError) -> InPlaceMode? {
    try enumOrName(number, enumField: enumField, name: name, nameField: nameField, kind: "an in-place mode",
                   byNumber: { WireEnums.value($0 - 1, in: WireEnums.inPlaceModes) }, byName: { InPlaceMode(rawValue: $0) },
                   names: InPlaceMode.allCases.map(\.rawValue))
}

func nonNegative(_ value: Int64, field: String) throws(WireError) -> Int64 {
    guard value >= 0 else { throw .invalidValue(field: field, reason: "\(value) is negative") }
    return value
}

/// A pod from a request, with the fields the store keys it by present.

func checkedPod(_ m: Vpa__Store__V1__PodObserved, field: String) throws(WireError) -> PodObservation {
    var pod = try EventCodec.decodePod(m)
    // An empty UID is no UID, as Go's zero value and the file decoders have it; kept as "", it would
    // key the pod on the store's own stream.
    if pod.uid == "" { pod.uid = nil }
    guard !pod.namespace.isEmpty else { throw .invalidValue(field: "\(field).namespace", reason: "empty") }
    guard !pod.name.isEmpty else { throw .invalidValue(field: "\(field).name", reason: "empty") }
    return pod
}

/// A VPA from a request, with the fields the store keys it by present.
func checkedVPA(_ m: Vpa__Store__V1__VpaObserved, field: String) throws(WireError) -> VPAObservation {
    var vpa: VPAObservation
    do throws(WireError) {
        vpa = try EventCodec.decodeVPA(m)
    } catch {
        if case .invalidField(_, let name) = error, name != "update_mode" {
            throw .invalidValue(field: "\(field).\(name)", reason: "not a value this vpa-store knows")
        }
        throw .invalidValue(field: "\(field).update_mode", reason: "not one of " + VPAUpdateMode.allCases.map(\.rawValue).joined(separator: ", "))
    }
    if vpa.uid == "" { vpa.uid = nil }
    guard !vpa.namespace.isEmpty else { throw .invalidValue(field: "\(field).namespace", reason: "empty") }
    guard !vpa.name.isEmpty else { throw .invalidValue(field: "\(field).name", reason: "empty") }
    guard !vpa.targetKind.isEmpty, !vpa.targetName.isEmpty else {
        throw .invalidValue(field: "\(field).target_kind", reason: "target_kind and target_name must both be set")
    }
    return vpa
}

func encodeTimeouts(_ timeouts: ResizeTimeouts?, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__ResizeTimeoutSettings>? {
    guard let timeouts else { return nil }
    let m = arena.message(vpa__store__v1__resize_timeout_settings__init)
    m.pointee.deferred_timeout_ms = timeouts.deferred.wholeMilliseconds
    m.pointee.in_progress_timeout_ms = timeouts.inProgress.wholeMilliseconds
    return m
}

/// The request's timeouts, each 0 meaning the server's (filled in by the server from `defaults`).

func decodeTimeouts(_ pointer: UnsafeMutablePointer<Vpa__Store__V1__ResizeTimeoutSettings>?, field: String)
    throws(WireError) -> ResizeTimeouts? {
    guard let m = pointer?.pointee else { return nil }
    return ResizeTimeouts(deferred: .milliseconds(try nonNegative(m.deferred_timeout_ms, field: "\(field).deferred_timeout_ms")),
                          inProgress: .milliseconds(try nonNegative(m.in_progress_timeout_ms, field: "\(field).in_progress_timeout_ms")))
}

func encodeSelector(_ selector: EventSelector, _ arena: CArena) -> UnsafeMutablePointer<Vpa__Store__V1__EventSelector> {
    let m = arena.message(vpa__store__v1__event_selector__init)
    // A pod carries its namespace; without a pod, the namespace alone selects streams in it.
    m.pointee.namespace_ = arena.optionalCString(selector.pod?.namespace ?? selector.namespace)
    m.pointee.pod = arena.optionalCString(selector.pod?.name)
    m.pointee.event_type = selector.type.map { UInt32($0.rawValue) } ?? 0
    // The deprecated name too, for one release: a server older than the enum ignores `event_type`
    // and would answer every type.
    m.pointee.type = arena.optionalCString(selector.type?.name)
    m.pointee.since_ms = selector.since?.unixMilliseconds ?? 0
    m.pointee.until_ms = selector.until?.unixMilliseconds ?? 0
    m.pointee.stream_kind = Vpa__Store__V1__StreamKind(rawValue: UInt32(selector.streamKind?.rawValue ?? 0))
    m.pointee.name = arena.optionalCString(selector.name)
    return m
}

func decodeSelector(_ pointer: UnsafeMutablePointer<Vpa__Store__V1__EventSelector>?, field: String)
    throws(WireError) -> EventSelector {
    guard let m = pointer?.pointee else { return EventSelector() }
    let namespace = givenString(m.namespace_), pod = givenString(m.pod)
    if pod != nil && namespace == nil {
        throw .invalidValue(field: "\(field).namespace", reason: "empty; give the pod's namespace with the pod")
    }
    let type = try enumOrName(m.event_type, enumField: "\(field).event_type", name: givenString(m.type), nameField: "\(field).type",
                              kind: "an event type", byNumber: { EventType(rawValue: Int32(truncatingIfNeeded: $0)) },
                              byName: { EventType(name: $0) }, names: EventType.allCases.map(\.name))
    var streamKind: StreamInfo.Kind?
    if m.stream_kind.rawValue != 0 {
        guard let known = StreamInfo.Kind(rawValue: Int64(m.stream_kind.rawValue)) else {
            throw .invalidValue(field: "\(field).stream_kind", reason: "\(m.stream_kind.rawValue) is not a stream kind; use 1 (store), 2 (pod), 3 (vpa) or 4 (limit range)")
        }
        streamKind = known
    }
    if let pod, let namespace {
        return EventSelector(pod: PodKey(namespace: namespace, name: pod), streamKind: streamKind, name: givenString(m.name),
                             type: type, since: givenTime(m.since_ms), until: givenTime(m.until_ms))
    }
    return EventSelector(streamKind: streamKind, namespace: namespace, name: givenString(m.name), type: type,
                         since: givenTime(m.since_ms), until: givenTime(m.until_ms))
}
