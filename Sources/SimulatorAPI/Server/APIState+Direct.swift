import VPAModel

extension JSON {
    /// Parses a body; 400 when it is not JSON.
    static func parseForAPI(_ bytes: [UInt8]) throws(APIError) -> JSON {
        do { return try parse(bytes) } catch { throw APIError.badRequest("the object is not valid JSON: \(error)") }
    }
}

extension APIState {
    /// Pods as served, decoded back from what the store holds, in key order.
    func servedPods() -> [PodObservation] {
        pods.keys.sorted().compactMap { pods[$0]?.observation }
    }

    func putPods(_ list: [PodObservation]) {
        for pod in list { publishPod(pod, at: now) }
    }

    func putVPA(_ vpa: VPAObservation) {
        putVPA(vpa, at: now)
    }

    /// Creates or replaces an object written directly by a test.
    func putObject(_ resource: ResourceType, json: JSON) throws(APIError) {
        guard let namespace = json.value(atPath: "metadata.namespace")?.stringValue, !namespace.isEmpty,
              let name = json.value(atPath: "metadata.name")?.stringValue, !name.isEmpty
        else { throw APIError.badRequest("metadata.namespace and metadata.name are required") }
        let key = ObjectKey(namespace: namespace, name: name)
        if store.get(resource, key) == nil {
            _ = try create(resource, namespace: namespace, body: json)
        } else {
            _ = try update(resource, key, body: json.setting("metadata", to: (json["metadata"] ?? .emptyObject).removing("resourceVersion")))
        }
        if resource == .verticalPodAutoscalers { refreshAdmission() }
    }
}
