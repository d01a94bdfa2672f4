import StoreAPI
import VPAModel

extension SimulationRunner {
    /// Reads the `ResizeRequested` and `UpdaterDecision` events appended since the last step and
    /// carries them out in log order. Before the first eviction (or a step with scripted events,
    /// which may replace pods) it reads the VPAs' recommendations for the admission hook.
    func applyDecisions(stepEnd: Timestamp) async throws(RPCStatus) {
        let records = try await newDecisions()
        var admissionRefreshed = false
        if model.hasScriptedEvents(through: stepEnd) {
            try await refreshAdmission()
            admissionRefreshed = true
        }
        for record in records {
            guard let stream = record.stream, let uid = podUID(of: stream) else {
                summary.decisionsIgnored += 1
                continue
            }
            switch record.event.body {
            case .resizeRequested(let request):
                if model.requestResize(podUID: uid, targets: request.targets) {
                    summary.resizeRequestsApplied += 1
                } else {
                    summary.decisionsIgnored += 1
                }
            case .updaterDecision(let decision) where decision.action == .evict:
                if !admissionRefreshed {
                    try await refreshAdmission()
                    admissionRefreshed = true
                }
                if model.evict(podUID: uid) {
                    summary.evictionsApplied += 1
                } else {
                    summary.decisionsIgnored += 1
                }
            default:
                // Waits, skips and in-place decisions (their ResizeRequested carries the resources).
                break
            }
        }
    }

    /// The live pod a stream is about: by UID, else by namespace/name.
    private func podUID(of stream: StreamInfo) -> String? {
        guard stream.kind == .pod else { return nil }
        if model.pod(uid: stream.key) != nil { return stream.key }
        return model.podObservations.first { $0.namespace == stream.namespace && $0.name == stream.name }?.uid
    }

    /// Decision events since the last read, in log order.
    private func newDecisions() async throws(RPCStatus) -> [EventRecord] {
        var cursors: (resize: Int64, decision: Int64)
        if let known = self.cursors {
            cursors = known
        } else {
            let head = try await store.serverInfo().headPosition
            cursors = (head + 1, head + 1)
        }
        var records = try await readAll(.resizeRequested, from: &cursors.resize)
        records += try await readAll(.updaterDecision, from: &cursors.decision)
        self.cursors = cursors
        return records.sorted { $0.event.position < $1.event.position }
    }

    private func readAll(_ type: EventType, from position: inout Int64) async throws(RPCStatus) -> [EventRecord] {
        var records: [EventRecord] = []
        while true {
            let page = try await store.readEvents(ReadEventsRequest(fromPosition: position, limit: 1000,
                                                                     selector: EventSelector(type: type)))
            records += page.events
            let advanced = page.nextPosition > position
            position = max(position, page.nextPosition)
            if !advanced || page.nextPosition > page.headPosition { return records }
        }
    }

    /// Points the admission hook at the latest recommendation of every VPA.
    private func refreshAdmission() async throws(RPCStatus) {
        let records = try await store.vpas().vpas
        var recommendations: [String: PublishedRecommendation] = [:]
        for record in records {
            if let recommendation = record.recommendation {
                recommendations["\(record.vpa.namespace)/\(record.vpa.name)"] = recommendation
            }
        }
        model.admission = AdmissionPolicy.hook(recommendations: recommendations)
    }
}
