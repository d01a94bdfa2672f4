import VPAModel

/// A history folded into what the page draws: one `PodHistory` per pod UID, the VPAs' recommendations,
/// the time window, and the pods grouped by the workload they belong to.
struct ReportModel {
    /// One published recommendation of a VPA.
    struct Recommendation {
        var at: Timestamp
        var position: Int64
        var containers: [ContainerRecommendation]
    }

    struct VPAHistory {
        var observation: VPAObservation
        var recommendations: [Recommendation] = []

        /// The recommendation for `container` in effect at each change, oldest first.
        func series(for container: String) -> [(at: Timestamp, position: Int64, recommendation: ContainerRecommendation?)] {
            recommendations.map { published in
                (published.at, published.position, published.containers.first { $0.container == container })
            }
        }
    }

    /// Pods shown together: the pods of one workload, replaced pods one after another.
    struct Section {
        var title: String
        var pods: [PodHistory]
        var vpa: VPAHistory?
    }

    var subject: ReportSubject
    var pods: [PodHistory]
    var vpas: [VPAHistory]
    var start: Timestamp
    var end: Timestamp

    init(_ history: ReportHistory) {
        subject = history.subject
        var pods: [Int64: PodHistory] = [:]
        var vpas: [Int64: VPAHistory] = [:]
        // The store's rule (DESIGN §3.1): `auto` reads status resources once any status carried them.
        var mode = InPlaceMode.auto
        var detected = false
        for record in history.records {
            let event = record.event
            let stream = event.streamID
            let at = event.occurredAt
            switch event.body {
            case .inPlaceModeChanged(let change):
                mode = change.mode
                detected = change.detected
                for id in pods.keys.sorted() {
                    pods[id]?.reevaluate(at: at, position: event.position, readsStatus: mode.readsStatus(detected: detected))
                }
            case .podObserved(let observation):
                if mode == .auto, observation.reportsStatusResources { detected = true }
                var pod = pods[stream] ?? PodHistory(streamID: stream, observation: observation, at: at)
                pod.observe(observation, at: at, position: event.position, readsStatus: mode.readsStatus(detected: detected))
                pod.lastEvent = max(pod.lastEvent, at)
                pods[stream] = pod
            case .vpaObserved(let observation):
                vpas[stream, default: VPAHistory(observation: observation)].observation = observation
            case .recommendationPublished(let published):
                vpas[stream]?.recommendations.append(Recommendation(at: at, position: event.position, containers: published.containers))
            default:
                guard var pod = pods[stream] else { continue }
                pod.apply(event)
                pods[stream] = pod
            }
        }
        self.pods = pods.values.sorted { ($0.firstSeen, $0.namespace, $0.name, $0.uid) < ($1.firstSeen, $1.namespace, $1.name, $1.uid) }
        self.vpas = vpas.values.sorted { ($0.observation.namespace, $0.observation.name) < ($1.observation.namespace, $1.observation.name) }
        let first = self.pods.map(\.firstSeen).min()
        let last = self.pods.map { $0.deletedAt ?? $0.lastEvent }.max()
        var start = history.since ?? first ?? history.until ?? Timestamp(unixMilliseconds: 0)
        var end = history.until ?? last ?? start
        if let since = history.since, history.until == nil, let last, last < since { end = since }
        if end <= start {
            // One instant (a single observation): a minute either side, so it is drawn at all.
            start = start.advanced(byMilliseconds: -60_000)
            end = end.advanced(byMilliseconds: 60_000)
        }
        self.start = start
        self.end = end
    }

    /// The pods drawn: those alive at some time in the window. A pod deleted the moment it was
    /// first seen (a watch's ADDED and DELETED in one list) has nothing to draw.
    var visiblePods: [PodHistory] {
        pods.filter { pod in
            guard pod.firstSeen <= end, (pod.deletedAt ?? end) >= start else { return false }
            guard let deleted = pod.deletedAt else { return true }
            return min(deleted, end) > max(pod.firstSeen, start)
        }
    }

    var isEmpty: Bool { visiblePods.isEmpty }

    /// The VPA that manages `pod`, if one was observed.
    func vpa(for pod: PodHistory) -> VPAHistory? {
        vpas.first { $0.observation.manages(pod.latest) }
    }

    /// The visible pods by workload: the VPA's target when one manages them, else their controller,
    /// else the pod alone.
    var sections: [Section] {
        var order: [String] = []
        var byTitle: [String: Section] = [:]
        for pod in visiblePods {
            let vpa = vpa(for: pod)
            let title: String
            if let vpa {
                let target = vpa.observation.targetWorkload
                title = "\(target.kind) \(target.namespace)/\(target.name) (VPA \(vpa.observation.name), \(vpa.observation.updateMode.rawValue))"
            } else if let owner = pod.latest.owners.first(where: \.controller) ?? pod.latest.owners.first {
                title = "\(owner.kind) \(pod.namespace)/\(owner.name) (no VPA observed)"
            } else {
                title = "pod \(pod.namespace)/\(pod.name) (no controller, no VPA observed)"
            }
            if byTitle[title] == nil {
                order.append(title)
                byTitle[title] = Section(title: title, pods: [], vpa: vpa)
            }
            byTitle[title]?.pods.append(pod)
        }
        return order.sorted().compactMap { byTitle[$0] }
    }
}

extension PodHistory {
    /// Applies an event of the pod's stream other than an observation.
    mutating func apply(_ event: StoredEvent) {
        let summary = event.body.summary
        lastEvent = max(lastEvent, event.occurredAt)
        switch event.body {
        case .podDeleted:
            delete(at: event.occurredAt)
        case .resizeTransition(let transition):
            self.transition(transition, at: event.occurredAt, position: event.position, summary: summary)
        case .oomKilled(let kill):
            let index = containerIndex(name: kill.container, type: kill.containerType)
            containers[index].oomKills.append(OOMMark(kill: kill, position: event.position, summary: summary))
            lastEvent = max(lastEvent, kill.at)
        case .evictionObserved(let eviction):
            evictions.append(EvictionMark(at: eviction.at, position: event.position, byUpdater: false, summary: summary))
        case .updaterDecision(let decision) where decision.action == .evict:
            evictions.append(EvictionMark(at: event.occurredAt, position: event.position, byUpdater: true, summary: summary))
        case .usageSampled(let sample):
            for usage in sample.containers {
                guard let index = containers.firstIndex(where: { $0.name == usage.name && $0.type == .container })
                    ?? containers.firstIndex(where: { $0.name == usage.name }) else { continue }
                containers[index].usage.append(UsagePoint(at: sample.at, windowMilliseconds: sample.windowMilliseconds,
                                                          cpuMillicores: usage.cpuMillicores, memoryBytes: usage.memoryBytes))
            }
            lastEvent = max(lastEvent, sample.at)
        default:
            break
        }
    }
}
