import VPAModel

/// The in-memory projection of the log: current pods, their resources and resize state, and the
/// in-place setting. A pure function of the events applied to it, in order.
///
/// Not thread-safe; the store that owns it serializes access.
struct Projection: Hashable, Sendable {
    /// Position of the last event applied.
    var position: Int64 = 0
    var inPlaceMode: InPlaceMode = .auto
    /// For `auto`: status resources have been seen.
    var inPlaceDetected = false
    var streams: [Int64: StreamInfo] = [:]
    var streamByKey: [String: Int64] = [:]
    /// The live pod stream for each "namespace/name".
    var liveStreamByName: [String: Int64] = [:]
    var pods: [Int64: PodState] = [:]
    var nextContainerID: Int64 = 1
    /// Heads of non-pod streams (the store stream, VPA streams).
    var otherHeads: [Int64: Int64] = [:]
    /// Live VerticalPodAutoscalers by stream.
    var vpas: [Int64: VPAObservation] = [:]
    /// The latest published recommendation of each VPA, by stream.
    var recommendations: [Int64: PublishedRecommendation] = [:]
    /// The recommender's latest checkpoint of each VPA, by stream.
    var checkpoints: [Int64: RecommenderCheckpoint] = [:]
    /// Live LimitRanges by stream.
    var limitRanges: [Int64: LimitRangeObservation] = [:]
    /// The newest cut of the usage retention: samples whose window ended before it are gone.
    var usageExpiredBefore: Timestamp?
    /// Each pod's newest usage sample: its window end (a sample read again is appended once) and
    /// its position (the head of the pod's usage chain). Kept apart from `PodState`, so a minute of
    /// usage from every pod does not rewrite every pod's snapshot row.
    var lastUsage: [Int64: UsageMark] = [:]

    /// Whether status resources are read now.
    var readsStatus: Bool { inPlaceMode.readsStatus(detected: inPlaceDetected) }

    /// The head position of a stream, 0 when it has no event.
    func head(of streamID: Int64) -> Int64 {
        pods[streamID]?.head ?? otherHeads[streamID] ?? 0
    }

    /// The id the next new stream gets.
    var nextStreamID: Int64 = 2

    mutating func register(_ stream: StreamInfo) {
        streams[stream.id] = stream
        streamByKey[stream.key] = stream.id
        nextStreamID = max(nextStreamID, stream.id + 1)
    }

    // MARK: - Applying events

    /// Applies one event. Table writes go to `sink`.
    mutating func apply(_ event: StoredEvent, sink: some ProjectionSink) throws {
        precondition(event.position > position, "events must be applied in log order")
        position = event.position
        switch event.body {
        case .podObserved(let pod):
            try applyObservation(pod, event: event, sink: sink)
        case .podDeleted:
            var state = pods[event.streamID] ?? PodState(streamID: event.streamID)
            state.head = event.position
            try retire(&state, at: event, sink: sink)
            pods[event.streamID] = state
        case .resizeTransition(let transition):
            var state = pods[event.streamID] ?? PodState(streamID: event.streamID)
            state.head = event.position
            state.resize = state.resize.applying(transition, at: event.occurredAt)
            if transition.to == .completed, state.resize.initiator == .vpa {
                // The start of AEP-4016's 12-hour rule for a successful in-place update.
                state.lastVPAResizeCompletedAt = event.occurredAt
            }
            pods[event.streamID] = state
            try sink.recordTransition(position: event.position, streamID: event.streamID, at: event.occurredAt, transition)
        case .oomKilled(let kill):
            var state = pods[event.streamID] ?? PodState(streamID: event.streamID)
            state.head = event.position
            let containerID = try internContainer(name: kill.container, type: kill.containerType, in: &state, sink: sink)
            pods[event.streamID] = state
            try sink.recordOOM(position: event.position, streamID: event.streamID, containerID: containerID, kill)
        case .evictionObserved(let eviction):
            var state = pods[event.streamID] ?? PodState(streamID: event.streamID)
            state.head = event.position
            pods[event.streamID] = state
            try sink.recordEviction(keyHash: Self.stableKeyHash(eviction.eventKey), position: event.position)
        case .inPlaceModeChanged(let change):
            otherHeads[event.streamID] = event.position
            inPlaceMode = change.mode
            inPlaceDetected = change.detected
            // The answer for every live pod may now come from elsewhere: re-evaluate them all, in
            // stream order so replay writes the same rows in the same order.
            for streamID in pods.keys.sorted() {
                guard var state = pods[streamID], state.live, let pod = state.observation else { continue }
                try updateHistory(&state, pod: pod, at: event, sink: sink)
                pods[streamID] = state
            }
        case .resizeRequested(let request):
            var state = pods[event.streamID] ?? PodState(streamID: event.streamID)
            state.head = event.position
            state.lastResizeRequest = request
            pods[event.streamID] = state
        case .vpaObserved(let vpa):
            otherHeads[event.streamID] = event.position
            vpas[event.streamID] = vpa
        case .vpaDeleted:
            otherHeads[event.streamID] = event.position
            vpas[event.streamID] = nil
            recommendations[event.streamID] = nil
            checkpoints[event.streamID] = nil
        case .recommendationPublished(let published):
            otherHeads[event.streamID] = event.position
            recommendations[event.streamID] = published
        case .recommenderCheckpoint(let checkpoint):
            otherHeads[event.streamID] = event.position
            checkpoints[event.streamID] = checkpoint
        case .updaterDecision:
            var state = pods[event.streamID] ?? PodState(streamID: event.streamID)
            state.head = event.position
            pods[event.streamID] = state
        case .usageSampled(let sample):
            // Usage samples expire by age, so they stay out of everything that must survive their
            // removal: they are not links of the pod's chain (they have a chain of their own) and
            // they never intern a container (a replay without them must number containers the
            // same way). Nor do they change the pod's state: the snapshot of 30,000 pods must not
            // be rewritten because each reported a minute of usage.
            lastUsage[event.streamID] = UsageMark(at: sample.at, position: event.position)
            try pods[event.streamID]?.recordUsage(sample, position: event.position, sink: sink)
        case .limitRangeObserved(let range):
            otherHeads[event.streamID] = event.position
            limitRanges[event.streamID] = range
        case .limitRangeDeleted:
            otherHeads[event.streamID] = event.position
            limitRanges[event.streamID] = nil
        case .usageExpired(let expiry):
            otherHeads[event.streamID] = event.position
            usageExpiredBefore = expiry.before
            try sink.expireUsage(before: expiry.before)
            // A pod whose newest sample is gone has no sample left: what a replay of the log
            // without the removed events finds.
            lastUsage = lastUsage.filter { $0.value.at >= expiry.before }
        }
    }

    private mutating func applyObservation(_ pod: PodObservation, event: StoredEvent, sink: some ProjectionSink) throws {
        var state = pods[event.streamID] ?? PodState(streamID: event.streamID)
        let nameKey = pod.key.description
        if let other = liveStreamByName[nameKey], other != event.streamID, var replaced = pods[other] {
            // A new UID under the same name: the old pod is gone even if its deletion was never seen.
            try retire(&replaced, at: event, sink: sink)
            pods[other] = replaced
        }
        // A UID seen under another namespace/name (which Kubernetes never does, but input can): the
        // pod answers to its new name only, as a snapshot reload, which indexes current names, has it.
        if let previous = state.observation, state.live, previous.key.description != nameKey,
           liveStreamByName[previous.key.description] == event.streamID {
            liveStreamByName[previous.key.description] = nil
        }
        liveStreamByName[nameKey] = event.streamID
        if let previous = state.observation, previous.desiredResources != pod.desiredResources {
            state.lastResizeRequest = nil
        }
        state.observation = pod
        state.observedAt = event.occurredAt
        state.head = event.position
        state.live = true
        try updateHistory(&state, pod: pod, at: event, sink: sink)
        pods[event.streamID] = state
    }

    /// Writes a new history row for every container whose actual or desired resources changed, and
    /// closes the rows of containers the pod no longer has.
    private mutating func updateHistory(_ state: inout PodState, pod: PodObservation, at event: StoredEvent,
                                        sink: some ProjectionSink) throws {
        let readsStatus = readsStatus
        var seen = Set<Int64>()
        for container in pod.containers {
            let id = try internContainer(name: container.name, type: container.type, in: &state, sink: sink)
            seen.insert(id)
            let actual = container.actualResources(readsStatus: readsStatus)
            let values = ContainerResources(actual: actual.resources, desired: container.desired, source: actual.source)
            if let open = state.openHistory[id] {
                if open.values == values { continue }
                try sink.closeHistory(open, toPosition: event.position, validTo: event.occurredAt)
            }
            let row = OpenHistoryRow(containerID: id, fromPosition: event.position, validFrom: event.occurredAt, values: values)
            state.openHistory[id] = row
            try sink.openHistory(row)
        }
        for (id, open) in state.openHistory.sorted(by: { $0.key < $1.key }) where !seen.contains(id) {
            try sink.closeHistory(open, toPosition: event.position, validTo: event.occurredAt)
            state.openHistory[id] = nil
        }
    }

    /// Marks a pod gone and closes its history rows.
    private mutating func retire(_ state: inout PodState, at event: StoredEvent, sink: some ProjectionSink) throws {
        state.live = false
        for (_, open) in state.openHistory.sorted(by: { $0.key < $1.key }) {
            try sink.closeHistory(open, toPosition: event.position, validTo: event.occurredAt)
        }
        state.openHistory = [:]
        if let pod = state.observation, liveStreamByName[pod.key.description] == state.streamID {
            liveStreamByName[pod.key.description] = nil
        }
    }

    private mutating func internContainer(name: String, type: ContainerType, in state: inout PodState,
                                          sink: some ProjectionSink) throws -> Int64 {
        let key = PodState.containerKey(name: name, type: type)
        if let id = state.containerIDs[key] { return id }
        let id = nextContainerID
        nextContainerID += 1
        state.containerIDs[key] = id
        try sink.internContainer(id: id, streamID: state.streamID, name: name, type: type)
        return id
    }

    /// A stable 63-bit FNV-1a hash of a text key: the integer key of `seen_evictions` (eviction event
    /// keys) and `idempotency_keys` (request keys), so no text goes into an index.
    static func stableKeyHash(_ key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash & 0x7FFF_FFFF_FFFF_FFFF)
    }
}

/// A pod's newest usage sample: when its window ended, and where it is in the log.
struct UsageMark: Hashable, Sendable, Codable {
    var at: Timestamp
    var position: Int64
}

extension PodState {
    /// Writes the usage rows of `sample` for the containers this pod has (interned by its spec).
    ///
    /// `mutating` though it changes nothing: called through `pods[id]?.`, the dictionary lends the
    /// state in place, where a read would copy it out and retain and release every string of its
    /// observation, once per usage sample (replay profile, docs/perf-store-readme.md).
    mutating func recordUsage(_ sample: UsageSample, position: Int64, sink: some ProjectionSink) throws {
        guard let specContainers = observation?.containers else { return }
        for container in sample.containers {
            guard let type = specContainers.first(where: { $0.name == container.name })?.type,
                  let containerID = containerIDs[ContainerKey(type: type, name: container.name)]
            else { continue }
            try sink.recordUsage(position: position, containerID: containerID, at: sample.at,
                                 windowMilliseconds: sample.windowMilliseconds, container)
        }
    }
}
