import VPAModel

/// Decodes a Kubernetes Event into an eviction, following upstream's `parseEvictionEvent`
/// (vertical-pod-autoscaler/pkg/recommender/input/oom/observer.go), or says why it is not one.
enum EventDecoder {
    /// The eviction this event records, or the reason it records none.
    enum Outcome {
        case eviction(EvictionObservation)
        case notAnEviction(reason: String)
    }

    static func decode(_ event: FieldReader) throws(FieldError) -> Outcome {
        let reason = try event.string("reason") ?? ""
        guard reason == "Evicted" else { return .notAnEviction(reason: "event reason \"\(reason)\" is not Evicted") }
        // A core/v1 Event names its object in `involvedObject`; an events.k8s.io/v1 Event in `regarding`.
        var involvedObject = try event.object("involvedObject")
        if involvedObject == nil { involvedObject = try event.object("regarding") }
        guard let involved = involvedObject else {
            return .notAnEviction(reason: "Evicted event without involvedObject")
        }
        let involvedKind = try involved.string("kind") ?? ""
        guard involvedKind == "Pod" else {
            return .notAnEviction(reason: "Evicted event about a \(involvedKind.isEmpty ? "object of no kind" : involvedKind), not a Pod")
        }

        let metadata = try event.object("metadata")
            ?? FieldReader(object: JSONObject(), path: event.path.appending("metadata"), lenientScalars: event.lenientScalars, notes: event.notes)
        let annotations = try metadata.stringMap("annotations") ?? [:]
        // Upstream splits each annotation on commas; an absent one is an empty list, but a present
        // empty one is a list of one empty string (Go's strings.Split). No trimming, as upstream.
        func list(_ key: String) -> [String] {
            guard let text = annotations[key] else { return [] }
            return text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let containers = list("offending_containers")
        let usages = list("offending_containers_usage")
        let starved = list("starved_resource")
        guard containers.count == usages.count, containers.count == starved.count else {
            return .notAnEviction(reason: "eviction annotations have unequal lengths (offending_containers \(containers.count), offending_containers_usage \(usages.count), starved_resource \(starved.count))")
        }

        var offenders: [EvictionObservation.Offender] = []
        for index in containers.indices where starved[index] == "memory" {
            // Upstream logs and skips a usage that does not parse; so does this.
            guard let usage = try? Quantity.parse(usages[index]) else { continue }
            offenders.append(EvictionObservation.Offender(container: containers[index], usageBytes: usage.value))
        }
        guard !offenders.isEmpty else { return .notAnEviction(reason: "eviction names no memory-starved container") }

        // Upstream's OOM time for an eviction is the Event's creation time, so an eviction without
        // one cannot be placed on the timeline.
        guard let at = try metadata.timestamp("creationTimestamp") else {
            throw FieldError(path: metadata.path.appending("creationTimestamp"), message: "missing required field")
        }
        let uid = try metadata.nonEmptyString("uid")
        let eventNamespace = try metadata.nonEmptyString("namespace") ?? "default"
        // The key must tell this event from every other; without a UID only namespace/name can.
        let eventKey: String
        if let uid {
            eventKey = uid
        } else {
            eventKey = "\(eventNamespace)/\(try metadata.requiredString("name"))"
        }
        return .eviction(EvictionObservation(
            eventKey: eventKey,
            podNamespace: try involved.nonEmptyString("namespace") ?? "default",
            podName: try involved.requiredString("name"),
            podUID: try involved.nonEmptyString("uid"),
            at: at,
            offenders: offenders))
    }
}
