import LogCodec
import StoreAPI
import CStoreProto
import VPAModel

// The Ingest items that bring upstream VPA's other inputs into the store: LimitRanges (which
// capping reads) and upstream VerticalPodAutoscalerCheckpoints (migration).

extension IngestRequest {
    func encodeParityItem(_ observation: Observation, into item: UnsafeMutablePointer<Vpa__Store__V1__IngestItem>,
                          _ arena: CArena) {
        switch observation {
        case .limitRange(let range):
            item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_LIMIT_RANGE
            item.pointee.limit_range = EventCodec.encodeLimitRange(range, arena)
        case .limitRangeDeleted(let range):
            item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_DELETED_LIMIT_RANGE
            item.pointee.deleted_limit_range = EventCodec.encodeLimitRange(range, arena)
        case .upstreamCheckpoint(let upstream):
            let message = arena.message(vpa__store__v1__upstream_checkpoint__init)
            message.pointee.namespace_ = arena.cString(upstream.namespace)
            message.pointee.vpa_name = arena.cString(upstream.vpaName)
            message.pointee.container = EventCodec.encodeCheckpointContainer(
                RecommenderCheckpoint.Container(name: upstream.containerName, checkpoint: upstream.checkpoint), arena)
            item.pointee.item_case = VPA__STORE__V1__INGEST_ITEM__ITEM_UPSTREAM_CHECKPOINT
            item.pointee.upstream_checkpoint = message
        case .pod, .podDeleted, .eviction, .vpa, .vpaDeleted, .usage:
            preconditionFailure("encodeParityItem is called for LimitRanges and upstream checkpoints only")
        }
    }

    static func decodeParityItem(_ item: Vpa__Store__V1__IngestItem, field: String) throws(WireError) -> Observation {
        switch item.item_case {
        case VPA__STORE__V1__INGEST_ITEM__ITEM_LIMIT_RANGE:
            return .limitRange(try checkedLimitRange(item.limit_range.pointee, field: "\(field).limit_range"))
        case VPA__STORE__V1__INGEST_ITEM__ITEM_DELETED_LIMIT_RANGE:
            return .limitRangeDeleted(try checkedLimitRange(item.deleted_limit_range.pointee, field: "\(field).deleted_limit_range"))
        default:
            let upstream = item.upstream_checkpoint.pointee
            guard let namespace = givenString(upstream.namespace_), let vpaName = givenString(upstream.vpa_name) else {
                throw .invalidValue(field: "\(field).upstream_checkpoint", reason: "namespace and vpa_name must both be set")
            }
            guard let container = upstream.container?.pointee else {
                throw .invalidValue(field: "\(field).upstream_checkpoint.container", reason: "missing")
            }
            let decoded = EventCodec.decodeCheckpointContainer(container)
            guard !decoded.name.isEmpty else {
                throw .invalidValue(field: "\(field).upstream_checkpoint.container.name", reason: "empty")
            }
            guard decoded.checkpoint.version == ContainerCheckpoint.supportedVersion else {
                throw .invalidValue(field: "\(field).upstream_checkpoint.container.version",
                                    reason: "\"\(decoded.checkpoint.version)\" is not \(ContainerCheckpoint.supportedVersion)")
            }
            return .upstreamCheckpoint(UpstreamCheckpointObservation(namespace: namespace, vpaName: vpaName,
                                                                     containerName: decoded.name, checkpoint: decoded.checkpoint))
        }
    }
}

/// A LimitRange from the wire, with namespace and name checked.
func checkedLimitRange(_ m: Vpa__Store__V1__LimitRangeObserved, field: String) throws(WireError) -> LimitRangeObservation {
    let range: LimitRangeObservation
    do throws(WireError) {
        range = try EventCodec.decodeLimitRange(m)
    } catch {
        throw .invalidValue(field: "\(field).items.type", reason: "not Container or Pod")
    }
    guard !range.namespace.isEmpty else { throw .invalidValue(field: "\(field).namespace", reason: "empty") }
    guard !range.name.isEmpty else { throw .invalidValue(field: "\(field).name", reason: "empty") }
    return range
}
