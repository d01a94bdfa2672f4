import StoreAPI
import LogCodec
import VPAModel

/// Appends the events of one batch inside the store's open write transaction, applying each to the
/// projection as it goes, so a later observation in the batch sees the effect of an earlier one.
final class BatchWriter {
    unowned let store: EventStore
    private let sink: SQLiteProjectionSink
    private let insertEvent: SQLiteStatement
    let insertStream: SQLiteStatement
    private let findOOM: SQLiteStatement
    private let findEviction: SQLiteStatement

    init(store: EventStore) throws {
        self.store = store
        sink = try SQLiteProjectionSink(statement: store.statement)
        insertEvent = try store.statement("""
            INSERT INTO events (position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertStream = try store.statement(
            "INSERT INTO streams (id, kind, stream_key, namespace, name, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        findOOM = try store.statement("SELECT 1 FROM oom_kills WHERE container_id = ? AND at_ms = ? LIMIT 1")
        findEviction = try store.statement("SELECT 1 FROM seen_evictions WHERE key_hash = ?")
    }

    /// Appends one event and applies it. Returns its position.
    @discardableResult
    func append(_ body: EventBody, stream streamID: Int64, at: Timestamp, recordedAt: Timestamp,
                causedBy: Int64?) throws -> Int64 {
        let position = store.projection.position + 1
        // Usage samples link to the pod's previous usage sample, not into the pod's chain:
        // retention deletes the oldest of them, and no other event may point at a deleted one.
        let previous = body.type == .usageSampled ? store.projection.lastUsage[streamID]?.position ?? 0
            : store.projection.head(of: streamID)
        try insertEvent.run([
            .int(position), .int(Int64(body.type.rawValue)), .int(streamID), previous > 0 ? .int(previous) : .null,
            .int(at.unixMilliseconds), .int(recordedAt.unixMilliseconds), .optional(causedBy),
            .blob(EventCodec.encode(body)),
        ])
        let event = StoredEvent(position: position, streamID: streamID, streamPrevious: previous > 0 ? previous : nil,
                                occurredAt: at, recordedAt: recordedAt, causedBy: causedBy, body: body)
        store.markChanged(by: event)
        try store.projection.apply(event, sink: sink)
        if store.keepsAppendedEvents { store.appendedEvents.append(event) }
        return position
    }

    /// Writes the projection rows the sink holds back; call before the transaction ends.
    func flush() throws {
        try sink.flush()
    }

    /// Ingests `observations`, the projection rows written before it returns. On failure the rows
    /// held back are dropped with the events the caller rolls back.
    func ingest(_ observations: ArraySlice<Observation>, observedAt: Timestamp, recordedAt: Timestamp,
                inPlaceMode: InPlaceMode?) throws -> IngestSummary {
        do {
            let summary = try ingestRows(observations, observedAt: observedAt, recordedAt: recordedAt, inPlaceMode: inPlaceMode)
            try sink.flush()
            return summary
        } catch {
            sink.discardPending()
            throw error
        }
    }

    private func ingestRows(_ observations: ArraySlice<Observation>, observedAt: Timestamp, recordedAt: Timestamp,
                            inPlaceMode: InPlaceMode?) throws -> IngestSummary {
        var summary = IngestSummary()
        let startPosition = store.projection.position
        if let mode = inPlaceMode, mode != store.projection.inPlaceMode {
            try append(.inPlaceModeChanged(InPlaceModeChange(mode: mode, detected: store.projection.inPlaceDetected)),
                       stream: EventStore.storeStreamID, at: observedAt, recordedAt: recordedAt, causedBy: nil)
            summary.inPlaceModeChanges += 1
        }
        for observation in observations {
            summary.observations += 1
            switch observation {
            case .pod(let pod):
                summary.podsObserved += 1
                try ingestPod(pod, at: observedAt, recordedAt: recordedAt, summary: &summary)
            case .podDeleted(let pod):
                summary.podsObserved += 1
                guard let streamID = streamID(forExisting: pod), store.projection.pods[streamID]?.live == true else {
                    summary.unchanged += 1
                    continue
                }
                try append(.podDeleted(namespace: pod.namespace, name: pod.name), stream: streamID, at: observedAt,
                           recordedAt: recordedAt, causedBy: nil)
            case .eviction(let eviction):
                try ingestEviction(eviction, recordedAt: recordedAt, summary: &summary)
            case .vpa(let vpa):
                summary.vpasObserved += 1
                let streamID = try internedStream(.vpa, key: Self.vpaKey(vpa), namespace: vpa.namespace, name: vpa.name, at: observedAt)
                if store.projection.vpas[streamID] == vpa {
                    summary.unchanged += 1
                    continue
                }
                try append(.vpaObserved(vpa), stream: streamID, at: observedAt, recordedAt: recordedAt, causedBy: nil)
            case .vpaDeleted(let vpa):
                summary.vpasObserved += 1
                guard let streamID = store.projection.streamByKey[Self.vpaKey(vpa)], store.projection.vpas[streamID] != nil else {
                    summary.unchanged += 1
                    continue
                }
                try append(.vpaDeleted(namespace: vpa.namespace, name: vpa.name), stream: streamID, at: observedAt,
                           recordedAt: recordedAt, causedBy: nil)
            case .usage(let usage):
                try ingestUsage(usage, recordedAt: recordedAt, summary: &summary)
            case .limitRange, .limitRangeDeleted, .upstreamCheckpoint:
                try ingestParity(observation, at: observedAt, recordedAt: recordedAt, summary: &summary)
            }
        }
        let endPosition = store.projection.position
        summary.eventsAppended = Int(endPosition - startPosition)
        if endPosition > startPosition {
            summary.firstPosition = startPosition + 1
            summary.lastPosition = endPosition
        }
        return summary
    }

    private func ingestPod(_ pod: PodObservation, at: Timestamp, recordedAt: Timestamp,
                           summary: inout IngestSummary) throws {
        let streamID = try streamID(for: pod, at: at)
        let state = store.projection.pods[streamID] ?? PodState(streamID: streamID)
        if let last = state.observedAt, at < last {
            summary.stale += 1
            return
        }
        if state.live, state.observation == pod {
            summary.unchanged += 1
            return
        }
        // Decide everything from the state before this observation, then append and apply in order.
        let previous = state.live ? state.observation : nil
        // Only scalars are read out of the projection here: holding a copy of it while appending
        // would make every append copy its dictionaries (copy-on-write), one full copy per pod.
        let mode = store.projection.inPlaceMode
        let detected = store.projection.inPlaceDetected
        let turnsOnAuto = mode == .auto && !detected && pod.reportsStatusResources
        let readsStatus = mode.readsStatus(detected: detected || turnsOnAuto)
        let initiator: ResizeInitiator = state.lastResizeRequest?.explains(pod) == true ? .vpa : .manual
        let transition = ResizeRules.transition(previous: previous, current: pod, record: state.live ? state.resize : ResizeRecord(),
                                                readsStatus: readsStatus, desiredChangeInitiator: initiator)
        let kills = previous.map { OOMDetector.kills(previous: $0, current: pod, readsStatus: readsStatus, observedAt: at) } ?? []

        let cause = try append(.podObserved(pod), stream: streamID, at: at, recordedAt: recordedAt, causedBy: nil)
        if turnsOnAuto {
            try append(.inPlaceModeChanged(InPlaceModeChange(mode: .auto, detected: true)),
                       stream: EventStore.storeStreamID, at: at, recordedAt: recordedAt, causedBy: cause)
            summary.inPlaceModeChanges += 1
        }
        if let transition {
            try append(.resizeTransition(transition), stream: streamID, at: at, recordedAt: recordedAt, causedBy: cause)
            summary.resizeTransitions += 1
        }
        for kill in kills where try !alreadyRecorded(kill, streamID: streamID) {
            try append(.oomKilled(kill), stream: streamID, at: at, recordedAt: recordedAt, causedBy: cause)
            summary.oomKills += 1
        }
    }

    private func ingestEviction(_ eviction: EvictionObservation, recordedAt: Timestamp,
                                summary: inout IngestSummary) throws {
        try findEviction.bind([.int(Projection.stableKeyHash(eviction.eventKey))])
        if try findEviction.step() {
            summary.unchanged += 1
            return
        }
        let pod = PodObservation(uid: eviction.podUID, namespace: eviction.podNamespace, name: eviction.podName)
        let streamID = try self.streamID(forExisting: pod) ?? self.streamID(for: pod, at: eviction.at)
        let known = store.projection.pods[streamID]?.observation
        let cause = try append(.evictionObserved(eviction), stream: streamID, at: eviction.at, recordedAt: recordedAt,
                               causedBy: nil)
        summary.evictions += 1
        for kill in OOMDetector.kills(from: eviction, pod: known, readsStatus: store.projection.readsStatus) {
            try append(.oomKilled(kill), stream: streamID, at: eviction.at, recordedAt: recordedAt, causedBy: cause)
            summary.oomKills += 1
        }
    }

    /// Appends a usage sample to its live pod's stream, once per window end.
    private func ingestUsage(_ usage: UsageObservation, recordedAt: Timestamp, summary: inout IngestSummary) throws {
        guard let streamID = store.projection.liveStreamByName[PodKey(namespace: usage.namespace, name: usage.pod).description],
              let state = store.projection.pods[streamID], state.live else {
            summary.usageWithoutPod += 1
            return
        }
        // Only the pod's own containers: the store keys usage by container, and a usage sample
        // never interns one (metrics for a container the pod does not have have nothing to size).
        let podContainers = state.observation?.containers ?? []
        var sample = usage.sample
        // Checked first: removeAll copies the array even when it removes nothing (a per-sample
        // allocation on the ingest path), and metrics name only the pod's containers as a rule.
        let foreign = { (container: UsageSample.Container) in !podContainers.contains { $0.name == container.name } }
        if sample.containers.contains(where: foreign) { sample.containers.removeAll(where: foreign) }
        guard let first = sample.containers.first,
              let type = podContainers.first(where: { $0.name == first.name })?.type,
              state.containerIDs[PodState.containerKey(name: first.name, type: type)] != nil else {
            summary.usageWithoutPod += 1
            return
        }
        // The same window read again (or an older one): the recommender has it already.
        if let last = store.projection.lastUsage[streamID], sample.at <= last.at {
            summary.unchanged += 1
            return
        }
        try append(.usageSampled(sample), stream: streamID, at: sample.at, recordedAt: recordedAt, causedBy: nil)
        summary.usageSamples += 1
    }

    /// The stream key of a VPA: by namespace and name (a VPA's UID changes when it is recreated, its
    /// identity for the pods it manages does not).
    static func vpaKey(_ vpa: VPAObservation) -> String { "vpa:\(vpa.namespace)/\(vpa.name)" }

    /// The stream of `kind` with `key`, interning a new one (of the object `namespace/name`) the
    /// first time the key is seen: pods, VPAs and LimitRanges alike.
    func internedStream(_ kind: StreamInfo.Kind, key: String, namespace: String, name: String, at: Timestamp) throws -> Int64 {
        if let id = store.projection.streamByKey[key] { return id }
        let id = store.projection.nextStreamID
        try insertStream.run([.int(id), .int(kind.rawValue), .text(key), .text(namespace), .text(name), .int(at.unixMilliseconds)])
        store.projection.register(StreamInfo(id: id, kind: kind, key: key, namespace: namespace, name: name))
        return id
    }

    /// True when the same kill of the same container (same time) is already recorded: a kill seen
    /// again after a resync, or both as "new" and "previous", is one kill.
    private func alreadyRecorded(_ kill: OOMKill, streamID: Int64) throws -> Bool {
        let key = PodState.containerKey(name: kill.container, type: kill.containerType)
        guard let containerID = store.projection.pods[streamID]?.containerIDs[key] else { return false }
        try findOOM.bind([.int(containerID), .int(kill.at.unixMilliseconds)])
        return try findOOM.step()
    }

    /// The stream of a pod the store already knows: by UID, else the live pod with its namespace/name.
    private func streamID(forExisting pod: PodObservation) -> Int64? {
        if let uid = pod.uid, let id = store.projection.streamByKey[uid] { return id }
        if let id = store.projection.liveStreamByName[pod.key.description] {
            // Without a UID to compare, the live pod with that name is the one meant.
            if pod.uid == nil || store.projection.streams[id]?.key == pod.key.description { return id }
        }
        if pod.uid == nil { return store.projection.streamByKey[pod.streamKey] }
        return nil
    }

    /// The stream of `pod`, interning a new one the first time its key is seen.
    private func streamID(for pod: PodObservation, at: Timestamp) throws -> Int64 {
        try internedStream(.pod, key: pod.streamKey, namespace: pod.namespace, name: pod.name, at: at)
    }
}
