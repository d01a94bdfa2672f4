import StoreAPI
import LogCodec
import VPAModel

extension EventStore {
    // MARK: - Actual resources

    /// Current actual and desired resources of every container of every live pod, from memory.
    /// O(1) for one pod by namespace and name, O(pods) otherwise.
    public func currentResources(namespace: String? = nil, pod: String? = nil) -> [ContainerResourcesView] {
        var views: [ContainerResourcesView] = []
        // One pod by name: a hash lookup, not a scan (the recommender and updater ask this per pod).
        let candidates: [PodState]
        if let namespace, let pod {
            candidates = projection.liveStreamByName[PodKey(namespace: namespace, name: pod).description].flatMap { projection.pods[$0] }.map { [$0] } ?? []
        } else {
            candidates = Array(projection.pods.values)
        }
        for state in candidates {
            guard state.live, let observation = state.observation,
                  namespace == nil || observation.namespace == namespace, pod == nil || observation.name == pod
            else { continue }
            for container in observation.containers {
                let key = PodState.containerKey(name: container.name, type: container.type)
                guard let id = state.containerIDs[key], let row = state.openHistory[id] else { continue }
                views.append(ContainerResourcesView(
                    namespace: observation.namespace, pod: observation.name, podUID: observation.uid ?? "",
                    container: container.name, containerType: container.type, actual: row.values.actual,
                    desired: row.values.desired, source: row.values.source, resizeState: state.resize.state,
                    resizeSince: state.resize.since, position: projection.position))
            }
        }
        return views.sorted(by: Self.resourceOrder)
    }

    /// A point in the past to read resources at.
    public typealias PointInTime = VPAModel.PointInTime

    /// Actual and desired resources of every container as they were at `point`: a range scan over
    /// the resource-history projection, not a replay.
    public func resources(at point: PointInTime, namespace: String? = nil, pod: String? = nil) throws(StoreError)
        -> [ContainerResourcesView] {
        let condition: String
        let transitionCondition: String
        let value: Int64
        // Below a compaction cut the history rows are gone: say so rather than answer with less.
        switch point {
        case .time(let time): try checkNotCompacted(time: time, what: "history at")
        case .position(let position): try checkNotCompacted(position: position, what: "position")
        }
        switch point {
        case .time(let time):
            condition = "h.valid_from_ms <= ?1 AND (h.valid_to_ms IS NULL OR h.valid_to_ms > ?1)"
            transitionCondition = "t2.at_ms <= ?1"
            value = time.unixMilliseconds
        case .position(let position):
            condition = "h.from_position <= ?1 AND (h.to_position IS NULL OR h.to_position > ?1)"
            transitionCondition = "t2.position <= ?1"
            value = position
        }
        let current = point.positionValue.map { min($0, projection.position) } ?? projection.position
        if namespace != nil || pod != nil {
            return try resourcesByContainer(condition: condition, transitionCondition: transitionCondition, value: value,
                                            namespace: namespace, pod: pod, current: current)
        }
        let sql = """
            SELECT s.namespace, s.name, s.stream_key, c.name, c.type, h.source,
              h.actual_request_cpu, h.actual_request_memory, h.actual_limit_cpu, h.actual_limit_memory,
              h.desired_request_cpu, h.desired_request_memory, h.desired_limit_cpu, h.desired_limit_memory,
              t.to_state, t.at_ms
            FROM resource_history h
              JOIN containers c ON c.id = h.container_id
              JOIN streams s ON s.id = c.stream_id
              LEFT JOIN resize_transitions t ON t.position = (
                SELECT max(t2.position) FROM resize_transitions t2
                WHERE t2.stream_id = s.id AND \(transitionCondition))
            WHERE \(condition)
            """
        return try wrap {
            var views: [ContainerResourcesView] = []
            try statement(sql).forEachRow([.int(value)]) { row in
                views.append(Self.resourcesView(row, namespace: row.text(0), pod: row.text(1), streamKey: row.text(2), column: 3,
                                                position: current))
            }
            return views.sorted(by: Self.resourceOrder)
        }
    }

    /// `resources(at:)` for a namespace or a pod: each container of the matching pods is answered
    /// from its own history rows (a primary-key range), so the cost follows the pods asked about,
    /// not the length of the log (a scan of the whole `valid_from_ms` index grew with it: bench,
    /// 2.2 s at 1M events and 7.3 s at 10M for the 50 namespaces).
    private func resourcesByContainer(condition: String, transitionCondition: String, value: Int64, namespace: String?,
                                      pod: String?, current: Int64) throws(StoreError) -> [ContainerResourcesView] {
        let history = """
            SELECT c.name, c.type, h.source,
              h.actual_request_cpu, h.actual_request_memory, h.actual_limit_cpu, h.actual_limit_memory,
              h.desired_request_cpu, h.desired_request_memory, h.desired_limit_cpu, h.desired_limit_memory,
              t.to_state, t.at_ms
            FROM resource_history h
              JOIN containers c ON c.id = h.container_id
              LEFT JOIN resize_transitions t ON t.position = (
                SELECT max(t2.position) FROM resize_transitions t2 WHERE t2.stream_id = ?3 AND \(transitionCondition))
            WHERE h.container_id = ?2 AND \(condition)
            ORDER BY h.from_position DESC LIMIT 1
            """
        return try wrap {
            let select = try statement(history)
            var views: [ContainerResourcesView] = []
            for stream in projection.streams.values where stream.kind == .pod
                && (namespace == nil || stream.namespace == namespace) && (pod == nil || stream.name == pod) {
                guard let state = projection.pods[stream.id] else { continue }
                for containerID in state.containerIDs.values {
                    try select.forEachRow([.int(value), .int(containerID), .int(stream.id)]) { row in
                        views.append(Self.resourcesView(row, namespace: stream.namespace, pod: stream.name, streamKey: stream.key,
                                                        column: 0, position: current))
                    }
                }
            }
            return views.sorted(by: Self.resourceOrder)
        }
    }

    /// One row of the two time-travel queries: container name and type, source, the eight
    /// resource columns and the resize state, from `column` on.
    private static func resourcesView(_ row: SQLiteStatement, namespace: String, pod: String, streamKey: String, column c: Int32,
                                      position: Int64) -> ContainerResourcesView {
        ContainerResourcesView(
            namespace: namespace, pod: pod, podUID: uid(fromStreamKey: streamKey), container: row.text(c),
            containerType: ColumnCodes.decode(row.int(c + 1), WireEnums.containerTypes, fallback: .container),
            actual: ResourceRequirements(
                requests: ResourceList(cpuMillicores: row.optionalInt(c + 3), memoryBytes: row.optionalInt(c + 4)),
                limits: ResourceList(cpuMillicores: row.optionalInt(c + 5), memoryBytes: row.optionalInt(c + 6))),
            desired: ResourceRequirements(
                requests: ResourceList(cpuMillicores: row.optionalInt(c + 7), memoryBytes: row.optionalInt(c + 8)),
                limits: ResourceList(cpuMillicores: row.optionalInt(c + 9), memoryBytes: row.optionalInt(c + 10))),
            source: ColumnCodes.decode(row.int(c + 2), WireEnums.sources, fallback: .spec),
            resizeState: row.optionalInt(c + 11).map { ColumnCodes.decode($0, WireEnums.resizeStates, fallback: .none) } ?? .none,
            resizeSince: row.optionalInt(c + 12).map(Timestamp.init(unixMilliseconds:)),
            position: position)
    }

    static func resourceOrder(_ a: ContainerResourcesView, _ b: ContainerResourcesView) -> Bool {
        (a.namespace, a.pod, a.podUID, a.containerType == .container ? 0 : 1, a.container)
            < (b.namespace, b.pod, b.podUID, b.containerType == .container ? 0 : 1, b.container)
    }

    /// The UID in a stream key; "" for a namespace/name key (a manifest without a UID).
    static func uid(fromStreamKey key: String) -> String {
        key.contains("/") ? "" : key
    }

    // MARK: - Resizes

    /// Live pods with a resize state, with elapsed time and timeout verdict at `now`. By default only
    /// pods that are resizing now; `state` narrows to one state (including `completed`).
    public func resizes(state: ResizeState? = nil, now: Timestamp, timeouts: ResizeTimeouts = ResizeTimeouts())
        -> [ResizeView] {
        var views: [ResizeView] = []
        for (_, pod) in projection.pods {
            guard pod.live, pod.observation != nil else { continue }
            if let state {
                guard pod.resize.state == state else { continue }
            } else {
                guard pod.resize.state.isResizing else { continue }
            }
            views.append(resizeView(of: pod, now: now, timeouts: timeouts))
        }
        return views.sorted { ($0.namespace, $0.pod, $0.podUID) < ($1.namespace, $1.pod, $1.podUID) }
    }

    /// The resize state of the live pod with this namespace and name, whatever the state (`none`
    /// for a pod never resized), or nil when no such pod is live.
    public func resize(ofPod namespace: String, _ name: String, now: Timestamp,
                       timeouts: ResizeTimeouts = ResizeTimeouts()) -> ResizeView? {
        guard let streamID = projection.liveStreamByName[PodKey(namespace: namespace, name: name).description], let pod = projection.pods[streamID],
              pod.live, pod.observation != nil else { return nil }
        return resizeView(of: pod, now: now, timeouts: timeouts)
    }

    private func resizeView(of pod: PodState, now: Timestamp, timeouts: ResizeTimeouts) -> ResizeView {
        let observation = pod.observation!
        let record = pod.resize
        return ResizeView(
            namespace: observation.namespace, pod: observation.name, podUID: observation.uid ?? "",
            state: record.state, since: record.since, initiator: record.initiator, reason: record.reason,
            message: record.message,
            elapsedSeconds: record.since.map { now.milliseconds(since: $0) / 1000 } ?? 0,
            timedOut: timeouts.isExceeded(state: record.state, since: record.since, now: now),
            position: projection.position)
    }

    // MARK: - OOM kills

    /// OOM kills, oldest first, filtered by pod, container and time range (inclusive).
    public func oomKills(namespace: String? = nil, pod: String? = nil, container: String? = nil,
                         since: Timestamp? = nil, until: Timestamp? = nil) throws(StoreError) -> [OOMView] {
        let sql = """
            SELECT s.namespace, s.name, s.stream_key, c.name, c.type, o.kind, o.at_ms, o.memory_request, o.memory_limit,
              o.source, o.usage_bytes, o.restart_count, o.position
            FROM oom_kills o JOIN containers c ON c.id = o.container_id JOIN streams s ON s.id = o.stream_id
            WHERE (?1 IS NULL OR s.namespace = ?1) AND (?2 IS NULL OR s.name = ?2) AND (?3 IS NULL OR c.name = ?3)
              AND (?4 IS NULL OR o.at_ms >= ?4) AND (?5 IS NULL OR o.at_ms <= ?5)
            ORDER BY o.at_ms, o.position
            """
        return try wrap {
            var views: [OOMView] = []
            try statement(sql).forEachRow([.optional(namespace), .optional(pod), .optional(container),
                                           .optional(since?.unixMilliseconds), .optional(until?.unixMilliseconds)]) { row in
                let kill = OOMKill(
                    container: row.text(3),
                    containerType: ColumnCodes.decode(row.int(4), WireEnums.containerTypes, fallback: .container),
                    kind: ColumnCodes.decode(row.int(5), WireEnums.oomKinds, fallback: .new),
                    at: Timestamp(unixMilliseconds: row.int(6)), memoryRequestBytes: row.optionalInt(7),
                    memoryLimitBytes: row.optionalInt(8),
                    source: ColumnCodes.decode(row.int(9), WireEnums.sources, fallback: .spec),
                    usageBytes: row.optionalInt(10), restartCount: row.optionalInt(11).map { Int32(truncatingIfNeeded: $0) })
                views.append(OOMView(namespace: row.text(0), pod: row.text(1), podUID: Self.uid(fromStreamKey: row.text(2)),
                                     kill: kill, position: row.int(12)))
            }
            return views
        }
    }

    // MARK: - Events

    /// Events `selector` selects from position `from`, oldest first, at most `limit`.
    ///
    /// With a pod, its streams are walked backwards through `stream_prev` from their heads (primary-key
    /// lookups, no stream index), and so are its usage samples, which form a chain of their own;
    /// otherwise the log is scanned by position from `from`, and a test on streams (kind, namespace,
    /// name) is a subquery on the streams table.
    public func events(_ selector: EventSelector = EventSelector(), from: Int64 = 1, limit: Int = 1000)
        throws(StoreError) -> [StoredEvent] {
        try wrap {
            var result: [StoredEvent] = []
            if selector.pod != nil {
                let streams = projection.streams.values.filter { selector.matches(stream: $0) }
                let select = try statement("""
                    SELECT position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body
                    FROM events WHERE position = ?
                    """)
                /// Follows one chain backwards from `head` (a removed or missing link ends it). Only the
                /// lowest `limit` positions can be answered, and the walk meets them last: what it met
                /// before is dropped as it goes, so a page of a long chain takes a page of memory.
                func walk(from head: Int64?) throws {
                    var chain: [StoredEvent] = []
                    var next = head
                    while let position = next, position > 0, position >= from {
                        next = nil
                        try select.forEachRow([.int(position)]) { row in
                            let event = try Self.event(from: row)
                            if selector.matches(event: event) { chain.append(event) }
                            next = event.streamPrevious
                        }
                        if chain.count - limit >= limit { chain.removeFirst(chain.count - limit) }
                    }
                    result += chain.suffix(limit)
                }
                for stream in streams {
                    try walk(from: projection.head(of: stream.id))
                    // Usage samples have their own chain; it ends where retention removed the rest.
                    if selector.type == nil || selector.type == .usageSampled { try walk(from: projection.lastUsage[stream.id]?.position) }
                }
                result.sort { $0.position < $1.position }
                return Array(result.prefix(limit))
            }
            let select = try statement("""
                SELECT position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body
                FROM events WHERE position >= ?1 AND (?2 IS NULL OR type = ?2)
                  AND (?3 IS NULL OR occurred_at >= ?3) AND (?4 IS NULL OR occurred_at <= ?4)
                  AND (?6 = 0 OR stream_id IN (SELECT id FROM streams WHERE (?7 IS NULL OR kind = ?7)
                                                 AND (?8 IS NULL OR namespace = ?8) AND (?9 IS NULL OR name = ?9)))
                ORDER BY position LIMIT ?5
                """)
            try select.forEachRow([.int(from), .optional(selector.type.map { Int64($0.rawValue) }),
                                   .optional(selector.since?.unixMilliseconds), .optional(selector.until?.unixMilliseconds),
                                   .int(Int64(limit)), .int(selector.testsStream ? 1 : 0),
                                   .optional(selector.streamKind?.rawValue), .optional(selector.namespace),
                                   .optional(selector.name)]) { row in
                result.append(try Self.event(from: row))
            }
            return result
        }
    }

    // MARK: - VerticalPodAutoscalers

    /// The live VerticalPodAutoscalers, by namespace and name, from memory.
    public func vpas() -> [VPAObservation] {
        projection.vpas.values.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    /// Every live pod (of one namespace), with its resources and resize state judged at `now`, by
    /// namespace and name.
    public func livePods(namespace: String? = nil, now: Timestamp, timeouts: ResizeTimeouts = ResizeTimeouts()) -> [PodRecord] {
        var records: [PodRecord] = []
        for (_, state) in projection.pods {
            guard state.live, let pod = state.observation, namespace == nil || pod.namespace == namespace else { continue }
            records.append(PodRecord(pod: pod, resources: currentResources(namespace: pod.namespace, pod: pod.name),
                                     resize: resizeView(of: state, now: now, timeouts: timeouts),
                                     lastVPAResizeCompletedAt: state.lastVPAResizeCompletedAt))
        }
        return records.sorted { ($0.pod.namespace, $0.pod.name) < ($1.pod.namespace, $1.pod.name) }
    }

    /// The live LimitRanges (of one namespace), by namespace and name, from memory.
    public func limitRanges(namespace: String? = nil) -> [LimitRangeObservation] {
        projection.limitRanges.values.filter { namespace == nil || $0.namespace == namespace }
            .sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    /// The live VPAs (of one namespace) with their latest recommendations.
    public func vpaRecords(namespace: String? = nil) -> [VPARecord] {
        projection.vpas.compactMap { streamID, vpa in
            namespace == nil || vpa.namespace == namespace
                ? VPARecord(vpa: vpa, recommendation: projection.recommendations[streamID],
                            checkpoint: projection.checkpoints[streamID]) : nil
        }.sorted { ($0.vpa.namespace, $0.vpa.name) < ($1.vpa.namespace, $1.vpa.name) }
    }

    /// The latest recommendation published for the VPA with this namespace and name.
    public func recommendation(forVPA namespace: String, _ name: String) -> PublishedRecommendation? {
        projection.streamByKey["vpa:\(namespace)/\(name)"].flatMap { projection.recommendations[$0] }
    }

    /// The stream an event belongs to.
    public func stream(_ id: Int64) -> StreamInfo? { projection.streams[id] }
}

extension EventStore.PointInTime {
    var positionValue: Int64? {
        if case .position(let position) = self { return position }
        return nil
    }
}
