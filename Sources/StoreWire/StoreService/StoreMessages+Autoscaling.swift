import LogCodec
import CStoreProto
import StoreAPI
import VPAModel

// ListVpas and ListPods: what the recommender and updater read each loop.

extension VPAListRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_vpas_request__init)
        m.pointee.namespace_ = arena.optionalCString(namespace)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListVpasRequest", vpa__store__v1__list_vpas_request__unpack,
                                 vpa__store__v1__list_vpas_request__free_unpacked) { (m) throws(WireError) in
            VPAListRequest(namespace: givenString(m.namespace_))
        }
    }
}

extension VPAListResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_vpas_response__init)
        m.pointee.position = position
        let records = vpas.map { record in
            let element = arena.message(vpa__store__v1__vpa_record__init)
            element.pointee.vpa = EventCodec.encodeVPA(record.vpa, arena)
            element.pointee.recommendation = record.recommendation.map { EventCodec.encodeRecommendation($0, arena) }
            element.pointee.checkpoint = record.checkpoint.map { EventCodec.encodeCheckpoint($0, arena) }
            return element
        }
        (m.pointee.n_vpas, m.pointee.vpas) = arena.repeated(records)
        (m.pointee.n_limit_ranges, m.pointee.limit_ranges) = arena.repeated(limitRanges.map { EventCodec.encodeLimitRange($0, arena) })
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListVpasResponse", vpa__store__v1__list_vpas_response__unpack,
                                 vpa__store__v1__list_vpas_response__free_unpacked) { (m) throws(WireError) in
            let ranges = try repeated(m.n_limit_ranges, m.limit_ranges) { (range, index) throws(WireError) in
                try checkedLimitRange(range, field: "ListVpasResponse.limit_ranges[\(index)]")
            }
            return VPAListResponse(position: m.position, limitRanges: ranges, vpas: try repeated(m.n_vpas, m.vpas) { (record, index) throws(WireError) in
                guard let vpa = record.vpa?.pointee else {
                    throw .invalidValue(field: "ListVpasResponse.vpas[\(index)].vpa", reason: "missing")
                }
                return VPARecord(vpa: try EventCodec.decodeVPA(vpa),
                                 recommendation: record.recommendation.map { EventCodec.decodeRecommendation($0.pointee) },
                                 checkpoint: record.checkpoint.map { EventCodec.decodeCheckpoint($0.pointee) })
            })
        }
    }
}

extension PodListRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_pods_request__init)
        m.pointee.namespace_ = arena.optionalCString(namespace)
        m.pointee.now_ms = now?.unixMilliseconds ?? 0
        m.pointee.timeouts = encodeTimeouts(timeouts, arena)
        m.pointee.page_after = arena.optionalCString(pageAfter)
        m.pointee.limit = UInt32(clamping: limit)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListPodsRequest", vpa__store__v1__list_pods_request__unpack,
                                 vpa__store__v1__list_pods_request__free_unpacked) { (m) throws(WireError) in
            guard m.limit <= PodListRequest.maximumLimit else {
                throw .invalidValue(field: "ListPodsRequest.limit", reason: "\(m.limit) is above the largest page, \(PodListRequest.maximumLimit)")
            }
            return PodListRequest(namespace: givenString(m.namespace_), now: givenTime(m.now_ms),
                                  timeouts: try decodeTimeouts(m.timeouts, field: "ListPodsRequest.timeouts"),
                                  pageAfter: givenString(m.page_after), limit: m.limit == 0 ? 500 : Int(m.limit))
        }
    }
}

extension PodListResponse: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__list_pods_response__init)
        m.pointee.position = position
        let records = pods.map { record in
            let element = arena.message(vpa__store__v1__pod_record__init)
            element.pointee.pod = EventCodec.encodePod(record.pod, arena)
            (element.pointee.n_resources, element.pointee.resources) = arena.repeated(record.resources.map { ViewCodec.encode($0, arena) })
            element.pointee.resize = ViewCodec.encode(record.resize, arena)
            element.pointee.last_vpa_resize_completed_ms = record.lastVPAResizeCompletedAt?.unixMilliseconds ?? 0
            return element
        }
        (m.pointee.n_pods, m.pointee.pods) = arena.repeated(records)
        m.pointee.next_page_after = arena.optionalCString(nextPageAfter)
        return packMessage(m)
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.ListPodsResponse", vpa__store__v1__list_pods_response__unpack,
                                 vpa__store__v1__list_pods_response__free_unpacked) { (m) throws(WireError) in
            PodListResponse(position: m.position, pods: try repeated(m.n_pods, m.pods) { (record, index) throws(WireError) in
                guard let pod = record.pod?.pointee, let resize = record.resize?.pointee else {
                    throw .invalidValue(field: "ListPodsResponse.pods[\(index)]", reason: "pod and resize must be set")
                }
                return PodRecord(pod: try EventCodec.decodePod(pod),
                                 resources: try repeated(record.n_resources, record.resources) { (row, _) throws(WireError) in
                                     try ViewCodec.decode(row)
                                 },
                                 resize: try ViewCodec.decode(resize),
                                 lastVPAResizeCompletedAt: givenTime(record.last_vpa_resize_completed_ms))
            }, nextPageAfter: givenString(m.next_page_after))
        }
    }
}
