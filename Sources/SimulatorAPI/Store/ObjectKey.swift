/// Where an object lives: its namespace and name. Lists are in key order, as etcd keeps them.
struct ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    var namespace: String
    var name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }

    /// `namespace/name`, as a `continue` token names the last key of a page.
    var description: String { "\(namespace)/\(name)" }
}

/// One version of an object: its serialized form and the fields selectors read.
struct ObjectVersion: Sendable {
    var key: ObjectKey
    var resourceVersion: UInt64
    /// The object as served, with `metadata.resourceVersion`.
    var bytes: [UInt8]
    /// Field values that field selectors may name (`metadata.name`, `reason`…).
    var fields: [String: String]
}

/// How an object changed, as a watch event's `type` says it.
enum ChangeType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One change of the store: the unit of resourceVersions, history and watch events.
struct Change: Sendable {
    var resource: ResourceType
    var type: ChangeType
    /// The object after the change; for a deletion, the last state with the deletion's resourceVersion.
    var object: ObjectVersion
    /// The object before the change; nil for a creation.
    var previous: ObjectVersion?

    var resourceVersion: UInt64 { object.resourceVersion }
}
