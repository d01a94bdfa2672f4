import StoreAPI
import LogCodec
import VPAModel

/// Ingest of LimitRanges (which the updater's capping reads) and of upstream
/// VerticalPodAutoscalerCheckpoints (migration from upstream VPA).
extension BatchWriter {
    static func limitRangeKey(namespace: String, name: String) -> String { "limitrange:\(namespace)/\(name)" }

    func ingestParity(_ observation: Observation, at observedAt: Timestamp, recordedAt: Timestamp,
                      summary: inout IngestSummary) throws {
        switch observation {
        case .limitRange(let range):
            summary.limitRangesObserved += 1
            let streamID = try internedStream(.limitRange, key: Self.limitRangeKey(namespace: range.namespace, name: range.name),
                                              namespace: range.namespace, name: range.name, at: observedAt)
            if store.projection.limitRanges[streamID] == range {
                summary.unchanged += 1
                return
            }
            try append(.limitRangeObserved(range), stream: streamID, at: observedAt, recordedAt: recordedAt, causedBy: nil)
        case .limitRangeDeleted(let range):
            summary.limitRangesObserved += 1
            guard let streamID = store.projection.streamByKey[Self.limitRangeKey(namespace: range.namespace, name: range.name)],
                  store.projection.limitRanges[streamID] != nil else {
                summary.unchanged += 1
                return
            }
            try append(.limitRangeDeleted(namespace: range.namespace, name: range.name), stream: streamID, at: observedAt,
                       recordedAt: recordedAt, causedBy: nil)
        case .upstreamCheckpoint(let upstream):
            try importCheckpoint(upstream, at: observedAt, recordedAt: recordedAt, summary: &summary)
        case .pod, .podDeleted, .eviction, .vpa, .vpaDeleted, .usage:
            preconditionFailure("ingestParity is called for LimitRanges and upstream checkpoints only")
        }
    }

    /// Adds an upstream container checkpoint to its VPA's latest `RecommenderCheckpoint`, so the
    /// recommender restores it as it restores its own.
    ///
    /// Upstream's recommender was aggregating the same usage the store recorded up to now, so a VPA
    /// without a checkpoint gets one whose consumed position is the head: the recommender starts
    /// from the upstream histories and reads only what comes after. A VPA with a checkpoint keeps
    /// its consumed position and gains the container when it has none for it; a container it
    /// already has is left alone (its history is vpa-store's own, or imported before), so
    /// importing the same file twice appends nothing.
    private func importCheckpoint(_ upstream: UpstreamCheckpointObservation, at observedAt: Timestamp, recordedAt: Timestamp,
                                  summary: inout IngestSummary) throws {
        let key = Self.vpaKey(VPAObservation(namespace: upstream.namespace, name: upstream.vpaName, targetKind: "", targetName: ""))
        guard let streamID = store.projection.streamByKey[key], store.projection.vpas[streamID] != nil else {
            summary.checkpointsSkipped += 1
            return
        }
        var checkpoint = store.projection.checkpoints[streamID]
            ?? RecommenderCheckpoint(consumedPosition: store.projection.position, containers: [])
        guard !checkpoint.containers.contains(where: { $0.name == upstream.containerName }) else {
            summary.checkpointsSkipped += 1
            summary.unchanged += 1
            return
        }
        checkpoint.containers.append(RecommenderCheckpoint.Container(name: upstream.containerName, checkpoint: upstream.checkpoint))
        checkpoint.containers.sort { $0.name < $1.name }
        try append(.recommenderCheckpoint(checkpoint), stream: streamID, at: observedAt, recordedAt: recordedAt, causedBy: nil)
        summary.checkpointsImported += 1
    }
}
