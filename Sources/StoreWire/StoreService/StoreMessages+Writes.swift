import LogCodec
import CStoreProto
import StoreAPI
import VPAModel

// Append and Ingest.

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
            e.pointee.vpa_key = arena.cString(event.vpaKey)
            e.pointee.occurred_at_ms = event.occurredAt?.unixMilliseconds ?? 0
            switch event.body {
            case .resizeRequested(let request):
                e.pointee.body_case = VPA__STORE__V1__EVENT_TO_APPEND__BODY_RESIZE_REQUESTED
                e.pointee.resize_requested = EventCodec.encodeResizeRequest(request, arena)
            case .recommendationPublished(let published):
                e.pointee.body_case = VPA__STORE__V1__EVENT_TO_APPEND__BODY_RECOMMENDATION_PUBLISHED
                e.pointee.recommendation_published = EventCodec.encodeRecommendation(published, arena)
            case .updaterDecision(let decision):
                e.pointee.body_case = VPA__STORE__V1__EVENT_TO_APPEND__BODY_UPDATER_DECISION
                e.pointee.updater_decision = EventCodec.encodeDecision(decision, arena)
            case .recommenderCheckpoint(let checkpoint):
                e.pointee.body_case = VPA__STORE__V1__EVENT_TO_APPEND__BODY_RECOMMENDER_CHECKPOINT
                e.pointee.recommender_checkpoint = EventCodec.encodeCheckpoint(checkpoint, arena)
            }
            return e
        }
        (m.pointee.n_events, m.pointee.events) = arena.repeated(events)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.AppendRequest", vpa__store__v1__append_request__unpack,
                                 vpa__store__v1__append_request__free_unpacked) { (m) throws(WireError) in
            let events = try repeated(m.n_events, m.events) { (e, index) throws(WireError) -> AppendEvent in
                let field = "AppendRequest.events[\(index)]"
                let body: AppendEvent.Body
                switch e.body_case {
                case VPA__STORE__V1__EVENT_TO_APPEND__BODY_RESIZE_REQUESTED:
                    body = .resizeRequested(try EventCodec.decodeResizeRequest(e.resize_requested.pointee))
                case VPA__STORE__V1__EVENT_TO_APPEND__BODY_RECOMMENDATION_PUBLISHED:
                    body = .recommendationPublished(EventCodec.decodeRecommendation(e.recommendation_published.pointee))
                case VPA__STORE__V1__EVENT_TO_APPEND__BODY_UPDATER_DECISION:
                    do throws(WireError) {
                        body = .updaterDecision(try EventCodec.decodeDecision(e.updater_decision.pointee))
                    } catch {
                        throw .invalidValue(field: "\(field).updater_decision", reason: "\(error)")
                    }
                case VPA__STORE__V1__EVENT_TO_APPEND__BODY_RECOMMENDER_CHECKPOINT:
                    body = .recommenderCheckpoint(EventCodec.decodeCheckpoint(e.recommender_checkpoint.pointee))
                default:
                    throw .invalidValue(field: "\(field).body", reason: "no event body is set")
                }
                if body.isVPAEvent {
                    guard givenString(e.vpa_key) != nil else {
                        throw .invalidValue(field: "\(field).vpa_key", reason: "empty; give the VPA's namespace/name")
                    }
                } else if givenString(e.pod_key) == nil {
                    throw .invalidValue(field: "\(field).pod_key", reason: "empty; give the pod's UID or namespace/name")
                }
                return AppendEvent(podKey: wireString(e.pod_key), vpaKey: wireString(e.vpa_key),
                                   occurredAt: givenTime(e.occurred_at_ms), body: body)
            }
            guard !events.isEmpty else { throw .invalidValue(field: "AppendRequest.events", reason: "empty; nothing to append") }
            let expected = m.expectation_case == VPA__STORE__V1__APPEND_REQUEST__EXPECTATION_EXPECTED_HEAD
                ? try nonNegative(m.expected_head, field: "AppendRequest.expected_head") : nil
            return AppendRequest(idempotencyKey: givenString(m.idempotency_key), expectedHead: expected, events: events)
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
        m.pointee.in_place_mode_setting = .init(rawValue: shiftedNumber(inPlaceMode, in: WireEnums.inPlaceModes))
        // The deprecated name too, for one release: a server older than the enum ignores the setting.
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
            case .vpa(let vpa):
                item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_VPA
                item.pointee.vpa = EventCodec.encodeVPA(vpa, arena)
            case .vpaDeleted(let vpa):
                item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_DELETED_VPA
                item.pointee.deleted_vpa = EventCodec.encodeVPA(vpa, arena)
            case .usage(let usage):
                let message = arena.message(vpa__store__v1__pod_usage__init)
                message.pointee.namespace_ = arena.cString(usage.namespace)
                message.pointee.pod = arena.cString(usage.pod)
                message.pointee.sample = EventCodec.encodeUsage(usage.sample, arena)
                item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_USAGE
                item.pointee.usage = message
            case .limitRange, .limitRangeDeleted, .upstreamCheckpoint:
                encodeParityItem(observation, into: item, arena)
            }
            return item
        }
        (m.pointee.n_items, m.pointee.items) = arena.repeated(items)
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
                    var eviction = EventCodec.decodeEviction(item.eviction.pointee)
                    if eviction.podUID == "" { eviction.podUID = nil }
                    guard !eviction.podName.isEmpty, !eviction.podNamespace.isEmpty else {
                        throw .invalidValue(field: "\(field).eviction.pod_name", reason: "empty; an eviction must name its pod")
                    }
                    return .eviction(eviction)
                case VPA__STORE__V1__INGEST_ITEM__ITEM_VPA:
                    return .vpa(try checkedVPA(item.vpa.pointee, field: "\(field).vpa"))
                case VPA__STORE__V1__INGEST_ITEM__ITEM_DELETED_VPA:
                    return .vpaDeleted(try checkedVPA(item.deleted_vpa.pointee, field: "\(field).deleted_vpa"))
                case VPA__STORE__V1__INGEST_ITEM__ITEM_USAGE:
                    let usage = item.usage.pointee
                    guard let namespace = givenString(usage.namespace_), let pod = givenString(usage.pod) else {
                        throw .invalidValue(field: "\(field).usage", reason: "namespace and pod must both be set")
                    }
                    guard let sample = usage.sample?.pointee else {
                        throw .invalidValue(field: "\(field).usage.sample", reason: "missing")
                    }
                    return .usage(UsageObservation(namespace: namespace, pod: pod, sample: EventCodec.decodeUsage(sample)))
                case VPA__STORE__V1__INGEST_ITEM__ITEM_LIMIT_RANGE, VPA__STORE__V1__INGEST_ITEM__ITEM_DELETED_LIMIT_RANGE,
                     VPA__STORE__V1__INGEST_ITEM__ITEM_UPSTREAM_CHECKPOINT:
                    return try IngestRequest.decodeParityItem(item, field: field)
                default:
                    throw .invalidValue(field: field, reason: "no item is set (pod, deleted_pod, eviction, vpa, deleted_vpa, usage, "
                                        + "limit_range, deleted_limit_range or upstream_checkpoint)")
                }
            }
            let expected = m.expectation_case == VPA__STORE__V1__INGEST_REQUEST__EXPECTATION_EXPECTED_HEAD
                ? try nonNegative(m.expected_head, field: "IngestRequest.expected_head") : nil
            return IngestRequest(
                idempotencyKey: givenString(m.idempotency_key), expectedHead: expected, observedAt: givenTime(m.observed_at_ms),
                inPlaceMode: try decodeInPlaceMode(m.in_place_mode_setting.rawValue, enumField: "IngestRequest.in_place_mode_setting",
                                                   name: givenString(m.in_place_mode), nameField: "IngestRequest.in_place_mode"),
                observations: observations)
        }
    }
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
