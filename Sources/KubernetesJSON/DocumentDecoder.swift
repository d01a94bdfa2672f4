import VPAModel

/// Decodes one top-level document by its shape: a single object (`kind: Pod`, `kind: Event`, …), a
/// list (`PodList`, `EventList`, `List`), or a watch event (`{"type": …, "object": …}`).
enum DocumentDecoder {
    static func decode(_ document: JSONValue, lenientScalars: Bool, notes: DecodeNotes? = nil) throws(FieldError) -> [KubernetesObject] {
        guard case .object(let object) = document else {
            throw FieldError(path: .root, message: "expected an object (a Kubernetes object or a watch event), found \(document.typeName)")
        }
        let reader = FieldReader(object: object, path: .root, lenientScalars: lenientScalars, notes: notes)
        let kind = try reader.nonEmptyString("kind")
        // A watch event has no kind of its own (some printers say `WatchEvent`); its object has one.
        if kind == nil || kind == "WatchEvent", reader.contains("type"), reader.contains("object") {
            return try watchEvent(reader)
        }
        guard let kind else {
            throw FieldError(path: .member(.root, "kind"),
                             message: "missing required field (a document is a Kubernetes object with a kind, or a watch event with type and object)")
        }
        return try decode(reader, kind: kind)
    }

    /// Decodes an object of a known kind; lists recurse into their items.
    static func decode(_ reader: FieldReader, kind: String) throws(FieldError) -> [KubernetesObject] {
        switch kind {
        case "Pod":
            return [.pod(try PodDecoder.decode(reader))]
        case "Event":
            return [try event(reader)]
        case "VerticalPodAutoscaler":
            return [.vpa(try VPADecoder.decode(reader))]
        case "PodMetrics":
            return [.usage(try PodMetricsDecoder.decode(reader))]
        case "LimitRange":
            return [.limitRange(try LimitRangeDecoder.decode(reader))]
        case "VerticalPodAutoscalerCheckpoint":
            return [.upstreamCheckpoint(try UpstreamCheckpointDecoder.decode(reader))]
        case "PodList", "EventList", "List", "VerticalPodAutoscalerList", "PodMetricsList", "LimitRangeList",
             "VerticalPodAutoscalerCheckpointList":
            // Items of a typed list may omit their kind (the API server's own lists do); a `List`
            // holds anything, so there each item must say what it is.
            let itemKind: String? = switch kind {
            case "PodList": "Pod"
            case "EventList": "Event"
            case "VerticalPodAutoscalerList": "VerticalPodAutoscaler"
            case "PodMetricsList": "PodMetrics"
            case "LimitRangeList": "LimitRange"
            case "VerticalPodAutoscalerCheckpointList": "VerticalPodAutoscalerCheckpoint"
            default: nil
            }
            var objects: [KubernetesObject] = []
            for item in try reader.objects("items") {
                guard let kind = try item.nonEmptyString("kind") ?? itemKind else {
                    throw FieldError(path: item.path.appending("kind"), message: "missing required field")
                }
                objects += try decode(item, kind: kind)
            }
            return objects
        default:
            return [.ignored(kind: kind, reason: "not a Pod, Event, VerticalPodAutoscaler, PodMetrics, LimitRange or VerticalPodAutoscalerCheckpoint")]
        }
    }

    static func event(_ reader: FieldReader) throws(FieldError) -> KubernetesObject {
        switch try EventDecoder.decode(reader) {
        case .eviction(let eviction): .eviction(eviction)
        case .notAnEviction(let reason): .ignored(kind: "Event", reason: reason)
        }
    }

    /// A watch event as `kubectl get --watch --output-watch-events -o json` prints it.
    static func watchEvent(_ reader: FieldReader) throws(FieldError) -> [KubernetesObject] {
        let type = try reader.requiredString("type")
        let object = try reader.requiredObject("object")
        switch type {
        case "ADDED", "MODIFIED", "DELETED":
            break
        case "BOOKMARK":
            // A bookmark carries only a resourceVersion: nothing about any pod.
            return [.ignored(kind: try object.string("kind") ?? "", reason: "watch bookmark")]
        case "ERROR":
            // The object is a Status; the watch broke (e.g. "too old resource version") and whatever
            // follows is not a continuation of what came before.
            var message = "watch ERROR event"
            if let text = try object.nonEmptyString("message") { message += ": \(text)" }
            var details: [String] = []
            if let reason = try object.nonEmptyString("reason") { details.append(reason) }
            if let code = try object.int64("code") { details.append("code \(code)") }
            if !details.isEmpty { message += " (\(details.joined(separator: ", ")))" }
            throw FieldError(path: object.path, message: message)
        default:
            throw FieldError(path: reader.path.appending("type"),
                             message: "unknown watch event type \"\(type)\" (expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR)")
        }
        guard let kind = try object.nonEmptyString("kind") else {
            throw FieldError(path: object.path.appending("kind"), message: "missing required field")
        }
        switch (kind, type) {
        case ("Pod", "DELETED"):
            return [.podDeleted(try PodDecoder.decode(object))]
        case ("VerticalPodAutoscaler", "DELETED"):
            return [.vpaDeleted(try VPADecoder.decode(object))]
        case ("LimitRange", "DELETED"):
            return [.limitRangeDeleted(try LimitRangeDecoder.decode(object))]
        case ("Event", "DELETED"):
            // An Event expiring from the API says nothing new about the eviction it recorded.
            return [.ignored(kind: "Event", reason: "watch DELETED of an Event")]
        default:
            return try decode(object, kind: kind)
        }
    }
}
