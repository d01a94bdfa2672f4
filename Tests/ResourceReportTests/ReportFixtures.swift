import ResourceReport
import VPAModel

/// Histories built event by event, as the store would have logged them.
struct HistoryBuilder {
    var records: [EventRecord] = []
    var position: Int64 = 0
    var streams: [String: StreamInfo] = [:]

    static let t0 = try! Timestamp(rfc3339: "2026-11-02T09:00:00Z")

    /// `minutes` after 09:00.
    static func at(_ minutes: Int64) -> Timestamp { t0.advanced(byMilliseconds: minutes * 60_000) }

    mutating func stream(_ kind: StreamInfo.Kind, key: String, namespace: String, name: String) -> StreamInfo {
        if let known = streams[key] { return known }
        let stream = StreamInfo(id: Int64(streams.count + 2), kind: kind, key: key, namespace: namespace, name: name)
        streams[key] = stream
        return stream
    }

    @discardableResult
    mutating func append(_ body: EventBody, at time: Timestamp, pod: (namespace: String, name: String, uid: String)) -> Int64 {
        let stream = stream(.pod, key: pod.uid, namespace: pod.namespace, name: pod.name)
        return append(body, at: time, stream: stream)
    }

    @discardableResult
    mutating func append(_ body: EventBody, at time: Timestamp, stream: StreamInfo) -> Int64 {
        position += 1
        records.append(EventRecord(event: StoredEvent(position: position, streamID: stream.id, streamPrevious: nil, occurredAt: time,
                                                      recordedAt: time, causedBy: nil, body: body), stream: stream))
        return position
    }

    static func resources(_ cpu: Int64, _ memoryMi: Int64, limitCPU: Int64? = nil, limitMi: Int64? = nil) -> ResourceRequirements {
        ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: memoryMi << 20),
                             limits: ResourceList(cpuMillicores: limitCPU, memoryBytes: limitMi.map { $0 << 20 }))
    }

    static func pod(_ namespace: String, _ name: String, uid: String, owner: String = "web-7d9c5", desired: ResourceRequirements,
                    status: ResourceRequirements?, conditions: [PodCondition] = []) -> PodObservation {
        PodObservation(uid: uid, namespace: namespace, name: name, phase: "Running",
                       owners: [OwnerReference(kind: "ReplicaSet", name: owner, controller: true)], resizeConditions: conditions,
                       containers: [ContainerObservation(name: "app", desired: desired,
                                                         status: ContainerStatusObservation(resources: status))])
    }
}

/// A source that serves records from memory, selecting with `EventSelector.matches` as the store
/// does: for the loader's own rules (what it keeps), apart from the store.
struct RecordsSource: ReportEventSource {
    var records: [EventRecord]

    func eachEventPage(_ selector: EventSelector, _ body: ([EventRecord]) throws -> Void) async throws {
        try body(records.filter(selector.matches))
    }
}
