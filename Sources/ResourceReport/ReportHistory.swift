import VPAModel

/// Where a report reads the log: the database file or a server (the CLI's query source), or the
/// server's own store (its `/report` page). One read path per reader, so the report shows what
/// `query events` shows.
public protocol ReportEventSource {
    /// Hands `body` every event `selector` selects, from the first position still in the log,
    /// oldest first, a page at a time.
    func eachEventPage(_ selector: EventSelector, _ body: ([EventRecord]) throws -> Void) async throws
}

/// The part of the log a report draws: the events of the subject's pods up to `until` (all of them,
/// so the resources in effect at `since` are known; usage samples only from `since` on), the
/// observations and recommendations of the VerticalPodAutoscalers of their namespace, and the
/// store's in-place mode changes. Domain values only, already loaded: `ResourceReport` draws them
/// without I/O.
public struct ReportHistory: Sendable {
    public var subject: ReportSubject
    /// The first time drawn; nil = the subject's first event.
    public var since: Timestamp?
    /// The last time drawn; nil = the subject's last event.
    public var until: Timestamp?
    /// The events, in log order.
    public var records: [EventRecord]

    public init(subject: ReportSubject, since: Timestamp? = nil, until: Timestamp? = nil, records: [EventRecord]) {
        self.subject = subject
        self.since = since
        self.until = until
        self.records = records
    }

    /// Reads the subject's history from `source`.
    ///
    /// A pod named with its namespace is read by walking its streams (what `query timeline` does);
    /// its namespace's VPAs and the in-place mode changes are read by type. A workload or a
    /// namespace is one scan of the log up to `until`, keeping what belongs to it: the cost follows
    /// the length of the log, and memory the subject's events.
    public static func load(_ subject: ReportSubject, since: Timestamp?, until: Timestamp?,
                            from source: some ReportEventSource) async throws -> ReportHistory {
        var collector = Collector(subject: subject, since: since)
        if case .pod(let namespace?, let name) = subject {
            try await source.eachEventPage(EventSelector(pod: PodKey(namespace: namespace, name: name), until: until)) {
                collector.take($0)
            }
            for type in [EventType.vpaObserved, .recommendationPublished, .inPlaceModeChanged] {
                try await source.eachEventPage(EventSelector(type: type, until: until)) { collector.take($0) }
            }
        } else if let namespace = subject.namespace {
            // The namespace's pods and VPAs, and the store's own in-place mode changes.
            try await source.eachEventPage(EventSelector(namespace: namespace, until: until)) { collector.take($0) }
            try await source.eachEventPage(EventSelector(streamKind: .store, type: .inPlaceModeChanged, until: until)) {
                collector.take($0)
            }
        } else {
            try await source.eachEventPage(EventSelector(until: until)) { collector.take($0) }
        }
        return ReportHistory(subject: subject, since: since, until: until,
                             records: collector.records.sorted { $0.event.position < $1.event.position })
    }

    /// Keeps, page by page, what the report draws.
    private struct Collector {
        let subject: ReportSubject
        let since: Timestamp?
        var records: [EventRecord] = []
        /// For a workload: whether each pod stream seen so far is one of its pods (from the pod's
        /// first observation, which every pod stream starts with).
        var owned: [Int64: Bool] = [:]
        var seen: Set<Int64> = []

        init(subject: ReportSubject, since: Timestamp?) {
            self.subject = subject
            self.since = since
        }

        mutating func take(_ page: [EventRecord]) {
            for record in page where keeps(record) && seen.insert(record.event.position).inserted {
                records.append(record)
            }
        }

        private mutating func keeps(_ record: EventRecord) -> Bool {
            guard let stream = record.stream else { return false }
            let body = record.event.body
            switch stream.kind {
            case .store:
                return body.type == .inPlaceModeChanged
            case .vpa:
                guard subject.namespace == nil || subject.namespace == stream.namespace else { return false }
                return body.type == .vpaObserved || body.type == .recommendationPublished
            case .pod:
                guard subject.admits(namespace: stream.namespace, name: stream.name) else { return false }
                if case .workload(let workload) = subject {
                    if case .podObserved(let pod) = body, workload.owns(pod) { owned[stream.id] = true }
                    guard owned[stream.id] == true else { return false }
                }
                switch body {
                case .usageSampled(let sample): return since.map { sample.at >= $0 } ?? true
                case .recommenderCheckpoint: return false
                default: return true
                }
            case .limitRange:
                return false
            }
        }
    }
}
