import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// What the demo prints at the end, read back from the store like any client would.
struct DemoReport {
    var text: String

    static func gather(_ client: StoreClient) async throws -> DemoReport {
        func events(_ type: EventType) async throws -> [EventRecord] {
            var records: [EventRecord] = []
            var next: Int64 = 1
            while true {
                let page = try await client.readEvents(ReadEventsRequest(fromPosition: next, limit: ReadEventsRequest.maximumLimit,
                                                                         selector: EventSelector(type: type)))
                records += page.events
                if page.nextPosition > page.headPosition || page.nextPosition <= next { return records }
                next = page.nextPosition
            }
        }
        var lines: [String] = []
        let info = try await client.serverInfo()
        lines.append("store: \(info.headPosition) events")

        let requested = try await events(.resizeRequested)
        let transitions = try await events(.resizeTransition).compactMap { record -> ResizeTransition? in
            if case .resizeTransition(let transition) = record.event.body { transition } else { nil }
        }
        let completedByVPA = transitions.filter { $0.to == .completed && $0.initiator == .vpa }.count
        let manual = transitions.filter { $0.newResize && $0.initiator == .manual }.count
        let states = Dictionary(grouping: transitions.filter { $0.to.isResizing }, by: \.to).mapValues(\.count)
        lines.append("in-place resizes: \(requested.count) requested by the updater, \(completedByVPA) completed in place; "
                     + "\(manual) manual; states seen: "
                     + ResizeState.allCases.filter(\.isResizing).map { "\($0.rawValue) \(states[$0] ?? 0)" }.joined(separator: ", "))

        let decisions = try await events(.updaterDecision).compactMap { record -> UpdaterDecisionRecord? in
            if case .updaterDecision(let decision) = record.event.body { decision } else { nil }
        }
        let evictions = decisions.filter { $0.action == .evict }
        lines.append("evictions: \(evictions.count)")
        for (reason, count) in Dictionary(grouping: evictions, by: { reasonKind($0.reason) }).mapValues(\.count)
            .sorted(by: { $0.value > $1.value }) {
            lines.append("  \(count) × \(reason)")
        }
        let waits = decisions.filter { $0.action == .wait }
        if !waits.isEmpty {
            lines.append("waits recorded: \(waits.count) (e.g. \(waits.last.map(\.reason) ?? ""))")
        }

        let kills = try await client.oomKills().kills
        lines.append("OOM kills: \(kills.count)" + (kills.isEmpty ? "" : ", memory request at the kill (actual): "
            + Set(kills.map { "\($0.pod)/\($0.kill.container) \(($0.kill.memoryRequestBytes ?? 0) >> 20)Mi" }).sorted().prefix(4).joined(separator: ", ")))

        let published = try await events(.recommendationPublished)
        lines.append("recommendations published: \(published.count)")
        var history: [String: [ContainerRecommendation]] = [:]
        for record in published {
            guard case .recommendationPublished(let recommendation) = record.event.body, let stream = record.stream else { continue }
            for container in recommendation.containers {
                history["\(stream.namespace)/\(stream.name) \(container.container)", default: []].append(container)
            }
        }
        for (key, series) in history.sorted(by: { $0.key < $1.key }) {
            let points = [series.first, series.count > 2 ? series[series.count / 2] : nil, series.last].compactMap { $0 }
            lines.append("  \(key): target " + points.map { "\($0.target.cpuMillicores ?? 0)m/\(($0.target.memoryBytes ?? 0) >> 20)Mi" }
                .joined(separator: " → ") + " (\(series.count) published)")
        }
        return DemoReport(text: lines.joined(separator: "\n"))
    }

    /// The kind of a reason ("resize Deferred for 6m12s > 5m0s: evicting …" → "resize Deferred for … > …").
    static func reasonKind(_ reason: String) -> String {
        let head = reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? reason
        return head.split(separator: " ").map { word in
            word.first?.isNumber == true ? "…" : String(word)
        }.joined(separator: " ")
    }
}
