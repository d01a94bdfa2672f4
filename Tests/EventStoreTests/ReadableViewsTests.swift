@testable import EventStore
import LogCodec
import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreTestSupport

/// Migration 0008's views (`events_readable`, `resource_history_readable`, …), read through the
/// store's own SQLite wrapper on a read-only open, against what the store's queries answer.
struct ReadableViewsTests {
    /// Rows of `sql` as their values, each row one array.
    private func rows(_ store: EventStore, _ sql: String, _ values: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        var rows: [[SQLiteValue]] = []
        try store.connection.prepare(sql).forEachRow(values) { rows.append($0.values()) }
        return rows
    }

    private func ms(_ time: Timestamp?) -> SQLiteValue { .optional(time?.unixMilliseconds) }

    /// A view's RFC 3339 time, as milliseconds (the views write `….000Z`, the store `…Z`).
    private func time(_ value: SQLiteValue) throws -> SQLiteValue {
        guard case .text(let text) = value else { return value }
        return .int(try Timestamp(rfc3339: text).unixMilliseconds)
    }

    /// A pod resized in place (deferred, then done), OOM-killed, sampled, and a second pod deleted.
    private func scenario(_ path: String) throws {
        let store = try EventStore(path: path)
        let pod = PodBuilder()
        let target = PodBuilder.resources(cpu: 400, memoryMi: 300)
        _ = try store.ingest([.pod(pod.pod)], observedAt: minute(0))
        _ = try store.ingest([.pod(pod.with { $0.desired = target; $0.conditions = PodBuilder.deferred }.pod)], observedAt: minute(1))
        _ = try store.ingest([.pod(pod.with { $0.desired = target; $0.status = target }.pod)], observedAt: minute(3))
        _ = try store.ingest([.pod(pod.with {
            $0.desired = target
            $0.status = target
            $0.restartCount = 1
            $0.lastState = .terminated(reason: "OOMKilled", exitCode: 137, startedAt: nil, finishedAt: minute(4))
        }.pod)], observedAt: minute(4).advanced(byMilliseconds: 250))
        _ = try store.ingest([.usage(UsageObservation(namespace: "shop", pod: "web-0", sample: UsageSample(
            at: minute(5), windowMilliseconds: 30_000, containers: [.init(name: "app", cpuMillicores: 320, memoryBytes: 290 << 20)])))],
                             observedAt: minute(5))
        let other = PodBuilder().with { $0.uid = "u-2"; $0.name = "web-1" }
        _ = try store.ingest([.pod(other.pod)], observedAt: minute(2))
        _ = try store.ingest([.podDeleted(other.pod)], observedAt: minute(6))
    }

    /// The names the migration gives the stored numbers are the ones the code encodes them with: a
    /// new enum case without a migration adding its row fails here.
    @Test func codeNamesAreTheNamesTheCodeUses() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            _ = try EventStore(path: db.path)
            let store = try EventStore(path: db.path, access: .readOnly)
            func names(_ set: String) throws -> [Int64: String] {
                var names: [Int64: String] = [:]
                for row in try rows(store, "SELECT code, name FROM code_names WHERE code_set = ?", [.text(set)]) {
                    guard case .int(let code) = row[0], case .text(let name) = row[1] else { continue }
                    names[code] = name
                }
                return names
            }
            func numbered<T: RawRepresentable>(_ table: [T]) -> [Int64: String] where T.RawValue == String {
                Dictionary(uniqueKeysWithValues: table.enumerated().map { (Int64($0.offset), $0.element.rawValue) })
            }
            #expect(try names("event_type") == Dictionary(uniqueKeysWithValues: EventType.allCases.map { (Int64($0.rawValue), $0.name) }))
            #expect(try names("resize_state") == numbered(WireEnums.resizeStates))
            #expect(try names("resize_initiator") == numbered(WireEnums.initiators))
            #expect(try names("oom_kind") == numbered(WireEnums.oomKinds))
            #expect(try names("resource_source") == numbered(WireEnums.sources))
            #expect(try names("container_type") == numbered(WireEnums.containerTypes))
            #expect(try names("stream_kind") == [StreamInfo.Kind.store.rawValue: "store", StreamInfo.Kind.pod.rawValue: "pod",
                                                  StreamInfo.Kind.vpa.rawValue: "vpa", StreamInfo.Kind.limitRange.rawValue: "limitrange"])
        }
    }

    /// Every event, named, timed and placed in its stream as `events(_:)` reads it, with the
    /// message its body decodes as.
    @Test func eventsReadableIsTheLog() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try scenario(db.path)
            let store = try EventStore(path: db.path, access: .readOnly)
            let events = try store.events(EventSelector(), limit: 1_000)
            #expect(events.count >= 10)
            let viewed = try rows(store, """
                SELECT position, type, occurred_at, recorded_at, namespace, name, stream_key, caused_by, stream_prev, body_message,
                       type_code, stream_id
                FROM events_readable ORDER BY position
                """).map { row -> [SQLiteValue] in [row[0], row[1], try time(row[2]), try time(row[3])] + row[4...] }
            let expected = events.map { event -> [SQLiteValue] in
                let stream = store.stream(event.streamID)
                return [.int(event.position), .text(event.body.type.name), ms(event.occurredAt), ms(event.recordedAt),
                        .optional(stream?.namespace), .optional(stream?.name), .optional(stream?.key), .optional(event.causedBy),
                        .optional(event.streamPrevious), .text("vpa.store.v1.\(event.body.type.name)"),
                        .int(Int64(event.body.type.rawValue)), .int(event.streamID)]
            }
            #expect(viewed == expected)
        }
    }

    /// `resource_history_readable` filtered to a time gives what `query resources --at` gives.
    @Test func resourceHistoryReadableAnswersTimeTravel() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try scenario(db.path)
            let store = try EventStore(path: db.path, access: .readOnly)
            var answered = 0
            for at in [minute(0), minute(1).advanced(byMilliseconds: 30_000), minute(3), minute(4).advanced(byMilliseconds: 100), minute(7)] {
                let viewed = try rows(store, """
                    SELECT namespace, pod, pod_uid, container, container_type, source,
                           actual_request_cpu_millicores, actual_request_memory_bytes, actual_limit_cpu_millicores, actual_limit_memory_bytes,
                           desired_request_cpu_millicores, desired_request_memory_bytes, desired_limit_cpu_millicores, desired_limit_memory_bytes
                    FROM resource_history_readable
                    WHERE valid_from_ms <= ?1 AND (valid_to_ms IS NULL OR valid_to_ms > ?1)
                    """, [.int(at.unixMilliseconds)])
                let expected = try store.resources(at: .time(at)).map { view -> [SQLiteValue] in
                    [.text(view.namespace), .text(view.pod), .optional(view.podUID.isEmpty ? nil : view.podUID), .text(view.container),
                     .text(view.containerType.rawValue), .text(view.source.rawValue),
                     .optional(view.actual.requests.cpuMillicores), .optional(view.actual.requests.memoryBytes),
                     .optional(view.actual.limits.cpuMillicores), .optional(view.actual.limits.memoryBytes),
                     .optional(view.desired.requests.cpuMillicores), .optional(view.desired.requests.memoryBytes),
                     .optional(view.desired.limits.cpuMillicores), .optional(view.desired.limits.memoryBytes)]
                }
                #expect(viewed.sorted(by: Self.rowOrder) == expected.sorted(by: Self.rowOrder), "at \(at.rfc3339)")
                answered += expected.count
            }
            #expect(answered >= 5)
        }
    }

    /// `oom_kills_readable` is `query ooms`; `resize_states_readable` is each live pod's resize state;
    /// `usage_samples_readable` holds each sample's containers; `resize_transitions_readable` every transition.
    @Test func auditViewsAreWhatTheQueriesAnswer() async throws {
        try await offPool {
            let db = TemporaryDatabase()
            try scenario(db.path)
            let store = try EventStore(path: db.path, access: .readOnly)

            let kills = try store.oomKills()
            #expect(kills.count == 1)
            let viewedKills = try rows(store, """
                SELECT position, at, namespace, pod, pod_uid, container, container_type, kind, memory_request_bytes, memory_limit_bytes,
                       source, usage_bytes, restart_count
                FROM oom_kills_readable ORDER BY at_ms, position
                """).map { row -> [SQLiteValue] in [row[0], try time(row[1])] + row[2...] }
            #expect(viewedKills == kills.map { view -> [SQLiteValue] in
                [.int(view.position), ms(view.kill.at), .text(view.namespace), .text(view.pod), .text(view.podUID), .text(view.kill.container),
                 .text(view.kill.containerType.rawValue), .text(view.kill.kind.rawValue), .optional(view.kill.memoryRequestBytes),
                 .optional(view.kill.memoryLimitBytes), .text(view.kill.source.rawValue), .optional(view.kill.usageBytes),
                 .optional(view.kill.restartCount.map(Int64.init))]
            })

            let viewedStates = try rows(store, """
                SELECT namespace, pod, state, since, initiator, reason, message FROM resize_states_readable ORDER BY namespace, pod
                """).map { row -> [SQLiteValue] in [row[0], row[1], row[2], try time(row[3])] + row[4...] }
            let live = store.livePods(now: minute(10)).map(\.resize).filter { $0.since != nil }
            #expect(!live.isEmpty)
            #expect(viewedStates == live.map { view -> [SQLiteValue] in
                [.text(view.namespace), .text(view.pod), .text(view.state.rawValue), ms(view.since), .text(view.initiator.rawValue),
                 .text(view.reason), .text(view.message)]
            })
            let transitions = try store.events(EventSelector(type: .resizeTransition))
            #expect(try rows(store, "SELECT position FROM resize_transitions_readable ORDER BY position").map { $0[0] }
                    == transitions.map { .int($0.position) })

            let samples = try store.events(EventSelector(type: .usageSampled))
            #expect(!samples.isEmpty)
            let viewedSamples = try rows(store, """
                SELECT position, at, namespace, pod, container, window_ms, cpu_millicores, memory_bytes
                FROM usage_samples_readable ORDER BY position, container
                """).map { row -> [SQLiteValue] in [row[0], try time(row[1])] + row[2...] }
            #expect(viewedSamples == samples.flatMap { event -> [[SQLiteValue]] in
                guard case .usageSampled(let sample) = event.body, let stream = store.stream(event.streamID) else { return [] }
                return sample.containers.sorted { $0.name < $1.name }.map { container in
                    [.int(event.position), ms(sample.at), .text(stream.namespace), .text(stream.name), .text(container.name),
                     .int(sample.windowMilliseconds), .int(container.cpuMillicores), .int(container.memoryBytes)]
                }
            })
        }
    }

    private static func rowOrder(_ a: [SQLiteValue], _ b: [SQLiteValue]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return SQLiteValue.sortsBefore(x, y) }
        return a.count < b.count
    }
}
