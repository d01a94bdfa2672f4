import EventStore
import VPAModel

/// How each kind of answer becomes an `OutputRecord` (the JSON shapes are documented in the README).
enum Records {
    static let resourcesCSV = [
        "namespace", "pod", "podUID", "container", "containerType",
        "actualRequestCpuMillicores", "actualRequestMemoryBytes", "actualLimitCpuMillicores", "actualLimitMemoryBytes",
        "desiredRequestCpuMillicores", "desiredRequestMemoryBytes", "desiredLimitCpuMillicores", "desiredLimitMemoryBytes",
        "source", "resizeState", "resizeSince", "position",
    ]

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
        let csv = [
            view.namespace, view.pod, view.podUID, view.container, view.containerType.rawValue,
            text(view.actual.requests.cpuMillicores), text(view.actual.requests.memoryBytes),
            text(view.actual.limits.cpuMillicores), text(view.actual.limits.memoryBytes),
            text(view.desired.requests.cpuMillicores), text(view.desired.requests.memoryBytes),
            text(view.desired.limits.cpuMillicores), text(view.desired.limits.memoryBytes),
            view.source.rawValue, view.resizeState.rawValue, view.resizeSince?.rfc3339 ?? "", String(view.position),
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

    static let resizeCSV = [
        "namespace", "pod", "podUID", "state", "since", "elapsedSeconds", "initiator", "timedOut", "reason", "message", "position",
    ]

    static func resize(_ view: ResizeView) -> OutputRecord {
        let fields: [(String, JSONOutput?)] = [
            ("namespace", .string(view.namespace)), ("pod", .string(view.pod)), ("podUID", .string(view.podUID)),
            ("state", .string(view.state.rawValue)), ("since", view.since.map { .string($0.rfc3339) }),
            ("elapsedSeconds", .int(view.elapsedSeconds)), ("initiator", .string(view.initiator.rawValue)),
            ("timedOut", .bool(view.timedOut)), ("reason", .string(view.reason)), ("message", .string(view.message)),
            ("position", .int(view.position)),
        ]
        let table: [(String, String)] = [
            ("NAMESPACE", view.namespace), ("POD", view.pod), ("STATE", view.state.rawValue),
            ("SINCE", view.since?.rfc3339 ?? "-"), ("ELAPSED", Durations.text(seconds: view.elapsedSeconds)),
            ("INITIATOR", view.initiator.rawValue), ("TIMED OUT", view.timedOut ? "yes" : "no"),
            ("REASON", view.message.isEmpty ? view.reason : "\(view.reason): \(view.message)"),
        ]
        return flat(fields, table: table)
    }

    static let oomCSV = [
        "namespace", "pod", "podUID", "container", "at", "memoryRequestBytes", "memoryLimitBytes", "source", "kind",
        "usageBytes", "restartCount", "position",
    ]

    static func oom(_ view: OOMView) -> OutputRecord {
        let kill = view.kill
        let fields: [(String, JSONOutput?)] = [
            ("namespace", .string(view.namespace)), ("pod", .string(view.pod)), ("podUID", .string(view.podUID)),
            ("container", .string(kill.container)), ("at", .string(kill.at.rfc3339)),
            ("memoryRequestBytes", kill.memoryRequestBytes.map { .int($0) }), ("memoryLimitBytes", kill.memoryLimitBytes.map { .int($0) }),
            ("source", .string(kill.source.rawValue)), ("kind", .string(kill.kind.rawValue)), ("usageBytes", kill.usageBytes.map { .int($0) }),
            ("restartCount", kill.restartCount.map { .int(Int64($0)) }), ("position", .int(view.position)),
        ]
        let table: [(String, String)] = [
            ("AT", kill.at.rfc3339), ("NAMESPACE", view.namespace), ("POD", view.pod), ("CONTAINER", kill.container),
            ("KIND", kill.kind.rawValue), ("MEM REQUEST", Quantities.memory(kill.memoryRequestBytes)),
            ("MEM LIMIT", Quantities.memory(kill.memoryLimitBytes)), ("SOURCE", kill.source.rawValue),
            ("USAGE", Quantities.memory(kill.usageBytes)),
        ]
        return flat(fields, table: table)
    }

    static let eventCSV = ["position", "type", "occurredAt", "recordedAt", "pod", "vpa", "causedBy", "summary"]

    /// An event with the pod or VPA whose stream it is on (recommendations and checkpoints are on
    /// their VPA's).
    static func event(_ record: EventRecord) -> OutputRecord {
        let event = record.event, stream = record.stream
        let pod = stream.map { $0.kind == .pod ? "\($0.namespace)/\($0.name)" : "" } ?? ""
        let vpa = stream.map { $0.kind == .vpa ? "\($0.namespace)/\($0.name)" : "" } ?? ""
        var json = JSONObjectBuilder()
        json.add("position", event.position)
        json.add("type", event.body.type.name)
        json.add("occurredAt", event.occurredAt.rfc3339)
        json.add("recordedAt", event.recordedAt.rfc3339)
        json.add("pod", pod)
        json.add("podUID", stream.map { $0.kind == .pod ? EventDescriptions.uid(of: $0) : "" } ?? "")
        if !vpa.isEmpty { json.add("vpa", vpa) }
        json.add("causedBy", event.causedBy.map { .int($0) } ?? .null)
        json.add("body", EventDescriptions.json(event.body))
        let summary = event.body.summary
        let csv = [
            String(event.position), event.body.type.name, event.occurredAt.rfc3339, event.recordedAt.rfc3339, pod, vpa,
            text(event.causedBy), summary,
        ]
        let table: [(String, String)] = [
            ("POSITION", String(event.position)), ("OCCURRED", event.occurredAt.rfc3339), ("TYPE", event.body.type.name),
            ("OBJECT", !pod.isEmpty ? "pod \(pod)" : !vpa.isEmpty ? "vpa \(vpa)" : "-"),
            ("CAUSED BY", event.causedBy.map(String.init) ?? "-"), ("SUMMARY", summary),
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

    /// A record whose json and csv carry the same fields in the same order, the kind's csv header
    /// being their keys: a nil value is left out of the json and empty in the csv.
    private static func flat(_ fields: [(String, JSONOutput?)], table: [(String, String)]) -> OutputRecord {
        OutputRecord(json: .object(fields.compactMap { key, value in value.map { (key, $0) } }),
                     csv: fields.map { $0.1?.csvText ?? "" }, table: table)
    }
}

extension Records {
    static let vpaCSV = [
        "namespace", "name", "targetKind", "targetName", "updateMode", "minReplicas",
    ] + recommendationCSV

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
            if let recommendation { addRecommendation(recommendation, to: &json) }
            let csv = [
                vpa.namespace, vpa.name, vpa.targetKind, vpa.targetName, vpa.updateMode.rawValue,
                vpa.minReplicas.map(String.init) ?? "",
            ] + recommendationValues(recommendation)
            let table: [(String, String)] = [
                ("NAMESPACE", vpa.namespace), ("VPA", vpa.name), ("TARGET", "\(vpa.targetKind)/\(vpa.targetName)"),
                ("MODE", vpa.updateMode.rawValue),
            ] + recommendationColumns(recommendation)
            return OutputRecord(json: json.json, csv: csv, table: table)
        }
    }

    static let vpaHistoryCSV = ["namespace", "name", "at", "position", "recommender"] + recommendationCSV

    /// One record per container of a `RecommendationPublished` event (`query vpas --history`); none
    /// for another event.
    static func vpaHistory(_ record: EventRecord) -> [OutputRecord] {
        guard case .recommendationPublished(let published) = record.event.body else { return [] }
        let namespace = record.stream?.namespace ?? "", name = record.stream?.name ?? ""
        let at = record.event.occurredAt.rfc3339
        return published.containers.map { recommendation in
            var json = JSONObjectBuilder()
            json.add("namespace", namespace)
            json.add("name", name)
            json.add("at", at)
            json.add("position", record.event.position)
            json.add("recommender", published.recommender)
            addRecommendation(recommendation, to: &json)
            let csv = [namespace, name, at, String(record.event.position), published.recommender]
                + recommendationValues(recommendation)
            let table: [(String, String)] = [("AT", at), ("NAMESPACE", namespace), ("VPA", name)]
                + recommendationColumns(recommendation)
            return OutputRecord(json: json.json, csv: csv, table: table)
        }
    }

    // One container's recommendation, in the three shapes, for the latest and the history alike.

    private static let recommendationCSV = [
        "container", "targetCpuMillicores", "targetMemoryBytes", "lowerCpuMillicores", "lowerMemoryBytes",
        "upperCpuMillicores", "upperMemoryBytes",
    ]

    private static func addRecommendation(_ recommendation: ContainerRecommendation, to json: inout JSONObjectBuilder) {
        json.add("container", recommendation.container)
        json.add("target", listJSON(recommendation.target))
        json.add("lowerBound", listJSON(recommendation.lowerBound))
        json.add("upperBound", listJSON(recommendation.upperBound))
        json.add("uncappedTarget", listJSON(recommendation.uncappedTarget))
    }

    private static func recommendationValues(_ recommendation: ContainerRecommendation?) -> [String] {
        [
            recommendation?.container ?? "",
            text(recommendation?.target.cpuMillicores), text(recommendation?.target.memoryBytes),
            text(recommendation?.lowerBound.cpuMillicores), text(recommendation?.lowerBound.memoryBytes),
            text(recommendation?.upperBound.cpuMillicores), text(recommendation?.upperBound.memoryBytes),
        ]
    }

    private static func recommendationColumns(_ recommendation: ContainerRecommendation?) -> [(String, String)] {
        [
            ("CONTAINER", recommendation?.container ?? "-"),
            ("TARGET REQ", recommendation.map { Quantities.pair($0.target) } ?? "-"),
            ("LOWER", recommendation.map { Quantities.pair($0.lowerBound) } ?? "-"),
            ("UPPER", recommendation.map { Quantities.pair($0.upperBound) } ?? "-"),
        ]
    }
}
