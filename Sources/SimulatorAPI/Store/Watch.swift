/// What a watch's connection writes next.
enum WatchOutput: Sendable {
    /// Watch event lines to write as they are.
    case data([UInt8])
    /// Close the connection now, mid-stream, without ending the chunked body (a fault).
    case abort
}

/// Which changes a watch receives: one resource, optionally one namespace and a field selector.
struct WatchFilter: Sendable {
    var resource: ResourceType
    var namespace: String?
    var selector: FieldSelector

    func selects(_ object: ObjectVersion) -> Bool {
        (namespace == nil || object.key.namespace == namespace) && selector.matches(object.fields)
    }

    /// The event this watch shows for `change`, as the watch cache decides it for a filtered
    /// watch: an object that starts matching is ADDED, one that stops matching is DELETED.
    func eventType(for change: Change) -> ChangeType? {
        let was = change.previous.map(selects) ?? false
        if change.type == .deleted { return was ? .deleted : nil }
        switch (was, selects(change.object)) {
        case (true, true): return .modified
        case (false, true): return .added
        case (true, false): return .deleted
        case (false, false): return nil
        }
    }
}

/// Watch event lines as the API server writes them: `{"type":"ADDED","object":{…}}` and a newline.
enum WatchEventLine {
    static func line(_ type: String, object: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(object.count + 32)
        output += Array("{\"type\":\"\(type)\",\"object\":".utf8)
        output += object
        output += Array("}\n".utf8)
        return output
    }

    /// A BOOKMARK: an object of the watched kind with only its resourceVersion.
    static func bookmark(_ resource: ResourceType, resourceVersion: UInt64) -> [UInt8] {
        let object: JSON = ["kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion),
                            "metadata": ["resourceVersion": .string(String(resourceVersion))]]
        return line("BOOKMARK", object: object.bytes)
    }
}

/// A watch the server has accepted: the events due at once, then the live ones.
struct WatchSubscription: Sendable {
    var id: Int
    var resource: ResourceType
    /// Event lines for the state before the watch (synthetic ADDED, or the kept changes since the
    /// requested resourceVersion), or one ERROR line for an expired resourceVersion.
    var initial: [[UInt8]]
    /// Live event lines; finished when the watch ends. Nil when the watch ends after `initial`.
    var live: AsyncStream<WatchOutput>?
    var bookmarkInterval: Duration?
    var timeout: Duration?
}
