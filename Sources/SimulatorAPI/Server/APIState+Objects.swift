import VPAModel

extension APIState {
    /// A list response: `{"kind":"PodList","apiVersion":"v1","metadata":{…},"items":[…]}`, the
    /// items' stored bytes written as they are.
    func list(_ resource: ResourceType, namespace: String?, selector: FieldSelector, limit: Int?,
              continueToken: String?) throws(APIError) -> [UInt8] {
        let page = try store.list(resource, namespace: namespace, selector: selector, limit: limit, continueToken: continueToken)
        var metadata = JSONObjectBuilder()
        metadata["resourceVersion"] = .string(String(page.resourceVersion))
        metadata["continue"] = page.continueToken.map(JSON.string)
        metadata["remainingItemCount"] = page.remainingItemCount.map { .int(Int64($0)) }
        return Self.listBytes(resource, metadata: metadata.json, items: page.items.map(\.bytes))
    }

    static func listBytes(_ resource: ResourceType, metadata: JSON, items: [[UInt8]]) -> [UInt8] {
        var output = Array("{\"kind\":\"\(resource.listKind)\",\"apiVersion\":\"\(resource.apiVersion)\",\"metadata\":".utf8)
        metadata.write(to: &output)
        output += Array(",\"items\":[".utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output += item
        }
        output += Array("]}".utf8)
        return output
    }

    /// The object at `key`, as served.
    func get(_ resource: ResourceType, _ key: ObjectKey) throws(APIError) -> [UInt8] {
        guard let live = store.get(resource, key) else { throw APIError.notFound(resource, name: key.name) }
        return live.version.bytes
    }

    /// PodMetrics of the pods in `namespace` (all when nil), in key order; metrics-server serves no resourceVersions.
    func podMetricsList(namespace: String?) -> [UInt8] {
        let items = usage.keys.sorted().filter { namespace == nil || $0.namespace == namespace }
            .map { PodMetricsObject.json(usage[$0]!).bytes }
        return Self.listBytes(.podMetrics, metadata: .emptyObject, items: items)
    }

    /// One pod's PodMetrics.
    func podMetrics(_ key: ObjectKey) throws(APIError) -> [UInt8] {
        guard let sample = usage[key] else { throw APIError.notFound(.podMetrics, name: key.name) }
        return PodMetricsObject.json(sample).bytes
    }

    // MARK: Writes of whole objects (VPAs, Events, LimitRanges, Leases)

    /// `POST` a new object: it gets a UID, a creation time (the simulated now) and a resourceVersion.
    func create(_ resource: ResourceType, namespace: String, body: JSON) throws(APIError) -> [UInt8] {
        let name = try Self.checkedName(body, resource: resource, namespace: namespace)
        let key = ObjectKey(namespace: namespace, name: name)
        guard store.get(resource, key) == nil else { throw APIError.alreadyExists(resource, name: name) }
        var object = body.setting("apiVersion", to: .string(resource.apiVersion)).setting("kind", to: .string(resource.kind))
        object = object.setting(path: "metadata.namespace", to: .string(namespace))
            .setting(path: "metadata.uid", to: .string(makeUID()))
            .setting(path: "metadata.creationTimestamp", to: .string(now.rfc3339))
        object = Self.withoutServerFields(object)
        let live = put(resource, key, object)
        if resource == .verticalPodAutoscalers { refreshAdmission() }
        return live.version.bytes
    }

    /// `PUT` an existing object: a `metadata.resourceVersion` other than the current one is a 409
    /// Conflict (optimistic concurrency); none updates unconditionally, as for Leases.
    func update(_ resource: ResourceType, _ key: ObjectKey, body: JSON) throws(APIError) -> [UInt8] {
        let name = try Self.checkedName(body, resource: resource, namespace: key.namespace)
        guard name == key.name else {
            throw APIError.badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        guard let existing = store.get(resource, key) else { throw APIError.notFound(resource, name: key.name) }
        try Self.checkResourceVersion(body, existing: existing, resource: resource, name: key.name)
        var object = body.setting("apiVersion", to: .string(resource.apiVersion)).setting("kind", to: .string(resource.kind))
        for field in ["uid", "creationTimestamp"] {
            if let value = existing.object.value(atPath: "metadata.\(field)") { object = object.setting(path: "metadata.\(field)", to: value) }
        }
        object = object.setting(path: "metadata.namespace", to: .string(key.namespace))
        if resource == .verticalPodAutoscalers, let status = existing.object["status"] {
            // The main resource does not write the status subresource.
            object = object.setting("status", to: status)
        }
        let live = put(resource, key, Self.withoutServerFields(object))
        return live.version.bytes
    }

    /// `DELETE` an object; answers a Status Success.
    func deleteObject(_ resource: ResourceType, _ key: ObjectKey) throws(APIError) -> JSON {
        guard delete(resource, key) != nil else { throw APIError.notFound(resource, name: key.name) }
        if resource == .verticalPodAutoscalers { refreshAdmission() }
        return ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success",
                "details": resource.details(name: key.name)]
    }

    /// `PUT` or `PATCH` on `verticalpodautoscalers/NAME/status`: only the status changes.
    func writeVPAStatus(_ key: ObjectKey, replacement body: JSON?, patch: (JSON, PatchFormat)?) throws(APIError) -> [UInt8] {
        let resource = ResourceType.verticalPodAutoscalers
        guard let existing = store.get(resource, key) else { throw APIError.notFound(resource, name: key.name) }
        let status: JSON?
        if let body {
            try Self.checkResourceVersion(body, existing: existing, resource: resource, name: key.name)
            status = body["status"]
        } else if let (patch, format) = patch {
            if let version = patch.value(atPath: "metadata.resourceVersion") {
                try Self.checkResourceVersion(["metadata": ["resourceVersion": version]], existing: existing, resource: resource, name: key.name)
            }
            status = try format.apply(patch, to: existing.object)["status"]
        } else {
            status = existing.object["status"]
        }
        var object = existing.object.removing("status")
        if let status { object = object.setting("status", to: status) }
        let live = put(resource, key, object)
        counters.vpaStatusWrites += 1
        refreshAdmission()
        return live.version.bytes
    }

    private static func checkedName(_ body: JSON, resource: ResourceType, namespace: String) throws(APIError) -> String {
        guard body.members != nil else { throw APIError.badRequest("the body of the request must be a JSON object") }
        if let kind = body["kind"]?.stringValue, kind != resource.kind {
            throw APIError.badRequest("the body is a \(kind), expected \(resource.kind)")
        }
        if let bodyNamespace = body.value(atPath: "metadata.namespace")?.stringValue, !bodyNamespace.isEmpty, bodyNamespace != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        guard let name = body.value(atPath: "metadata.name")?.stringValue, !name.isEmpty, !name.contains("/") else {
            throw APIError(code: 422, reason: "Invalid", message: "\(resource.kind) \"\" is invalid: metadata.name: Required value: name or generateName is required",
                           details: ["kind": .string(resource.kind)])
        }
        return name
    }

    private static func checkResourceVersion(_ body: JSON, existing: ObjectStore.LiveObject, resource: ResourceType,
                                             name: String) throws(APIError) {
        guard let text = body.value(atPath: "metadata.resourceVersion")?.stringValue, !text.isEmpty else { return }
        guard UInt64(text) != nil else {
            throw APIError.badRequest("metadata.resourceVersion: Invalid value: \"\(text)\": must be a number")
        }
        guard UInt64(text) == existing.version.resourceVersion else { throw APIError.conflict(resource, name: name) }
    }

    /// Drops fields only the server sets; the store sets resourceVersion.
    private static func withoutServerFields(_ object: JSON) -> JSON {
        guard let metadata = object["metadata"] else { return object }
        return object.setting("metadata", to: metadata.removing("resourceVersion").removing("managedFields"))
    }
}
