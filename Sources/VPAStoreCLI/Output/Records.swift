import EventStore
import VPAModel

/// How each kind of answer becomes an `OutputRecord` (the JSON shapes are documented in the README).
enum Records {
    static func resources(_ view: ContainerResourcesView) -> OutputRecord {
        var json = JSONObjectBuilder()
        json.add("namespace", view.namespace)
        json.add("pod", view.pod)
        json.add("podUID", view.podUID)
        json.add("container", view.container)
        json.add("containerType", view.containerType.rawValue)
        json.add("actual", requirementsJSON(view.actual))
        json.add("desired", requirementsJSON(view.desired))
        json.add("source", view.source.rawValue)
        var resize = JSONObjectBuilder()
        resize.add("state", view.resizeState.rawValue)
        resize.add("since", ifPresent: view.resizeSince?.rfc3339)
        json.add("resize", resize.json)
        json.add("position", view.position)
        let csv: [(String, String)] = [
            ("namespace", view.namespace), ("pod", view.pod), ("podUID", view.podUID), ("container", view.container),
            ("containerType", view.containerType.rawValue),
            ("actualRequestCpuMillicores", text(view.actual.requests.cpuMillicores)),
            ("actualRequestMemoryBytes", text(view.actual.requests.memoryBytes)),
            ("actualLimitCpuMillicores", text(view.actual.limits.cpuMillicores)),
            ("actualLimitMemoryBytes", text(view.actual.limits.memoryBytes)),
            ("desiredRequestCpuMillicores", text(view.desired.requests.cpuMillicores)),
            ("desiredRequestMemoryBytes", text(view.desired.requests.memoryBytes)),
            ("desiredLimitCpuMillicores", text(view.desired.limits.cpuMillicores)),
            ("desiredLimitMemoryBytes", text(view.desired.limits.memoryBytes)),
            ("source", view.source.rawValue), ("resizeState", view.resizeState.rawValue),
            ("resizeSince", view.resizeSince?.rfc3339 ?? ""), ("position", String(view.position)),
        ]
        let table: [(String, String)] = [
            ("NAMESPACE", view.namespace), ("POD", view.pod),
            ("CONTAINER", view.containerType == .`init` ? "\(view.container) (init)" : view.container),
            ("ACTUAL REQ", Quantities.pair(view.actual.requests)), ("ACTUAL LIM", Quantities.pair(view.actual.limits)),
            ("DESIRED REQ", Quantities.pair(view.desired.requests)), ("DESIRED LIM", Quantities.pair(view.desired.limits)),
            ("SOURCE", view.source.rawValue), ("RESIZE", view.resizeState.rawValue),
            ("SINCE", view.resizeSince?.rfc3339 ?? "-"),
        ]
        return OutputRecord(json: json.json, csv: csv, table: table)
    }

    static func resize(_ view: ResizeView) -> OutputRecord {
        var json = JSONObjectBuilder()
        json.add("namespace", view.namespace)
        json.add("pod", view.pod)
        json.add("podUID", view.podUID)
        json.add("state", view.state.rawValue)
        json.add("since", ifPresent: view.since?.rfc3339)
        json.add("elapsedSeconds", view.elapsedSeconds)
        json.add("initiator", view.initiator.rawValue)
        json.add("timedOut", view.timedOut)
        json.add("reason", view.reason)
        json.add("message", view.message)
        json.add("position", view.position)
        let csv: [(String, String)] = [
            ("namespace", view.namespace), ("pod", view.pod), ("podUID", view.podUID), ("state", view.state.rawValue),
            ("since", view.since?.rfc3339 ?? ""), ("elapsedSeconds", String(view.elapsedSeconds)),
            ("initiator", view.initiator.rawValue), ("timedOut", String(view.timedOut)), ("reason", view.reason),
            ("message", view.message), ("position", String(view.position)),
        ]
        let table: [(String, String)] = [
            ("NAMESPACE", view.namespace), ("POD", view.pod), ("STATE", view.state.rawValue),
            ("SINCE", view.since?.rfc3339 ?? "-"), ("ELAPSED", Durations.text(seconds: view.elapsedSeconds)),
            ("INITIATOR", view.initiator.rawValue), ("TIMED OUT", view.timedOut ? "yes" : "no"),
            ("REASON", view.message.isEmpty ? view.reason : "\(view.reason): \(view.message)"),
        ]
        return OutputRecord(json: json.json, csv: csv, table: table)
    }

    static func oom(_ view: OOMView) -> OutputRecord {
        let kill = view.kill
        var json = JSONObjectBuilder()
        json.add("namespace", view.namespace)
        json.add("pod", view.pod)
        json.add("podUID", view.podUID)
        json.add("container", kill.container)
        json.add("at", kill.at.rfc3339)
        json.add("memoryRequestBytes", ifPresent: kill.memoryRequestBytes)
        json.add("memoryLimitBytes", ifPresent: kill.memoryLimitBytes)
        json.add("source", kill.source.rawValue)
        json.add("kind", kill.kind.rawValue)
        json.add("usageBytes", ifPresent: kill.usageBytes)
        json.add("restartCount", ifPresent: kill.restartCount.map(Int64.init))
        json.add("position", view.position)
        let csv: [(String, String)] = [
            ("namespace", view.namespace), ("pod", view.pod), ("podUID", view.podUID), ("container", kill.container),
            ("at", kill.at.rfc3339), ("memoryRequestBytes", text(kill.memoryRequestBytes)),
            ("memoryLimitBytes", text(kill.memoryLimitBytes)), ("source", kill.source.rawValue),
            ("kind", kill.kind.rawValue), ("usageBytes", text(kill.usageBytes)),
            ("restartCount", text(kill.restartCount.map(Int64.init))), ("position", String(view.position)),
        ]
        let table: [(String, String)] = [
            ("AT", kill.at.rfc3339), ("NAMESPACE", view.namespace), ("POD", view.pod), ("CONTAINER", kill.container),
            ("KIND", kill.kind.rawValue), ("MEM REQUEST", Quantities.memory(kill.memoryRequestBytes)),
            ("MEM LIMIT", Quantities.memory(kill.memoryLimitBytes)), ("SOURCE", kill.source.rawValue),
            ("USAGE", Quantities.memory(kill.usageBytes)),
        ]
        return OutputRecord(json: json.json, csv: csv, table: table)
    }

    static func event(_ event: StoredEvent, stream: StreamInfo?) -> OutputRecord {
        let pod = stream.map { $0.kind == .pod ? "\($0.namespace)/\($0.name)" : "" } ?? ""
        var json = JSONObjectBuilder()
        json.add("position", event.position)
        json.add("type", event.body.type.name)
        json.add("occurredAt", event.occurredAt.rfc3339)
        json.add("recordedAt", event.recordedAt.rfc3339)
        json.add("pod", pod)
        json.add("podUID", stream.map { $0.kind == .pod ? EventDescriptions.uid(of: $0) : "" } ?? "")
        json.add("causedBy", event.causedBy.map { .int($0) } ?? .null)
        json.add("body", EventDescriptions.json(event.body))
        let summary = EventDescriptions.summary(event.body)
        let csv: [(String, String)] = [
            ("position", String(event.position)), ("type", event.body.type.name),
            ("occurredAt", event.occurredAt.rfc3339), ("recordedAt", event.recordedAt.rfc3339), ("pod", pod),
            ("causedBy", text(event.causedBy)), ("summary", summary),
        ]
        let table: [(String, String)] = [
            ("POSITION", String(event.position)), ("OCCURRED", event.occurredAt.rfc3339), ("TYPE", event.body.type.name),
            ("POD", pod), ("CAUSED BY", event.causedBy.map(String.init) ?? "-"), ("SUMMARY", summary),
        ]
        return OutputRecord(json: json.json, csv: csv, table: table)
    }

    static func requirementsJSON(_ requirements: ResourceRequirements) -> JSONOutput {
        .object([("requests", listJSON(requirements.requests)), ("limits", listJSON(requirements.limits))])
    }

    static func listJSON(_ list: ResourceList) -> JSONOutput {
        var json = JSONObjectBuilder()
        json.add("cpuMillicores", ifPresent: list.cpuMillicores)
        json.add("memoryBytes", ifPresent: list.memoryBytes)
        return json.json
    }

    private static func text(_ value: Int64?) -> String { value.map(String.init) ?? "" }
}

/// Human-readable CPU and memory, in Kubernetes notation.
enum Quantities {
    /// `250m`, `2` (whole cores), or `-` when unset.
    static func cpu(_ millicores: Int64?) -> String {
        guard let millicores else { return "-" }
        return millicores % 1000 == 0 ? String(millicores / 1000) : "\(millicores)m"
    }

    /// `256Mi`, `1Gi`, `1500000` (bytes when no binary unit divides it), or `-` when unset.
    static func memory(_ bytes: Int64?) -> String {
        guard let bytes else { return "-" }
        for (suffix, shift) in [("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] where bytes != 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return String(bytes)
    }

    /// `cpu/memory`, such as `250m/256Mi`.
    static func pair(_ list: ResourceList) -> String { "\(cpu(list.cpuMillicores))/\(memory(list.memoryBytes))" }
}

/// Human-readable durations.
enum Durations {
    /// `45s`, `12m05s`, `3h02m`, `2d04h`.
    static func text(seconds: Int64) -> String {
        let s = max(0, seconds)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
        if s < 86400 { return "\(s / 3600)h\(two(s % 3600 / 60))m" }
        return "\(s / 86400)d\(two(s % 86400 / 3600))h"
    }
}

extension Records {
    /// One record per container recommendation, or one for a VPA without a recommendation yet.
    static func vpa(_ record: VPARecord) -> [OutputRecord] {
        let vpa = record.vpa
        let recommendations: [ContainerRecommendation?] = record.recommendation.map { $0.containers.map(Optional.some) } ?? [nil]
        return recommendations.map { recommendation in
            var json = JSONObjectBuilder()
            json.add("namespace", vpa.namespace)
            json.add("name", vpa.name)
            json.add("targetKind", vpa.targetKind)
            json.add("targetName", vpa.targetName)
            json.add("updateMode", vpa.updateMode.rawValue)
            json.add("minReplicas", ifPresent: vpa.minReplicas.map(Int64.init))
            if let recommendation {
                json.add("container", recommendation.container)
                json.add("target", listJSON(recommendation.target))
                json.add("lowerBound", listJSON(recommendation.lowerBound))
                json.add("upperBound", listJSON(recommendation.upperBound))
                json.add("uncappedTarget", listJSON(recommendation.uncappedTarget))
            }
            let csv: [(String, String)] = [
                ("namespace", vpa.namespace), ("name", vpa.name), ("targetKind", vpa.targetKind), ("targetName", vpa.targetName),
                ("updateMode", vpa.updateMode.rawValue), ("minReplicas", vpa.minReplicas.map(String.init) ?? ""),
                ("container", recommendation?.container ?? ""),
                ("targetCpuMillicores", text(recommendation?.target.cpuMillicores)),
                ("targetMemoryBytes", text(recommendation?.target.memoryBytes)),
                ("lowerCpuMillicores", text(recommendation?.lowerBound.cpuMillicores)),
                ("lowerMemoryBytes", text(recommendation?.lowerBound.memoryBytes)),
                ("upperCpuMillicores", text(recommendation?.upperBound.cpuMillicores)),
                ("upperMemoryBytes", text(recommendation?.upperBound.memoryBytes)),
            ]
            let table: [(String, String)] = [
                ("NAMESPACE", vpa.namespace), ("VPA", vpa.name), ("TARGET", "\(vpa.targetKind)/\(vpa.targetName)"),
                ("MODE", vpa.updateMode.rawValue), ("CONTAINER", recommendation?.container ?? "-"),
                ("TARGET REQ", recommendation.map { Quantities.pair($0.target) } ?? "-"),
                ("LOWER", recommendation.map { Quantities.pair($0.lowerBound) } ?? "-"),
                ("UPPER", recommendation.map { Quantities.pair($0.upperBound) } ?? "-"),
            ]
            return OutputRecord(json: json.json, csv: csv, table: table)
        }
    }
}
