/// A JSON value as the simulated API server builds, stores and patches Kubernetes objects.
///
/// Objects keep their members in order: objects the server builds list them as the API server's
/// Go structs do, and parsed objects sort them as Go's `map` marshalling does.
enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    /// Members in order; keys are unique.
    case object([(key: String, value: JSON)])

    /// An empty object.
    static let emptyObject = JSON.object([])

    /// The member `key` of an object, or nil (also for a value that is not an object).
    subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The value at a dotted path such as `metadata.name`, or nil.
    func value(atPath path: String) -> JSON? {
        var current: JSON? = self
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }

    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The members, when this is an object.
    var members: [(key: String, value: JSON)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements, when this is an array.
    var elements: [JSON]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// This object with member `key` set to `value` (appended when new); a value that is not an
    /// object becomes one.
    func setting(_ key: String, to value: JSON) -> JSON {
        var members = self.members ?? []
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// This object with the value at a dotted path set, creating objects on the way.
    func setting(path: String, to value: JSON) -> JSON {
        let keys = path.split(separator: ".").map(String.init)
        return setting(keys: keys[...], to: value)
    }

    private func setting(keys: ArraySlice<String>, to value: JSON) -> JSON {
        guard let first = keys.first else { return value }
        let child = self[first] ?? .emptyObject
        return setting(first, to: child.setting(keys: keys.dropFirst(), to: value))
    }

    /// This object without member `key`.
    func removing(_ key: String) -> JSON {
        guard let members else { return self }
        return .object(members.filter { $0.key != key })
    }
}

/// Builds a JSON object member by member, leaving out members whose value is nil, as Go's
/// `omitempty` does for the fields the server writes.
struct JSONObjectBuilder {
    private(set) var members: [(key: String, value: JSON)] = []

    /// Sets `key` when `value` is not nil.
    subscript(key: String) -> JSON? {
        get { members.first { $0.key == key }?.value }
        set {
            guard let newValue else { return }
            if let index = members.firstIndex(where: { $0.key == key }) {
                members[index].value = newValue
            } else {
                members.append((key, newValue))
            }
        }
    }

    /// The object built.
    var json: JSON { .object(members) }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int64) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// Members in the literal's order.
    init(dictionaryLiteral elements: (String, JSON)...) { self = .object(elements.map { (key: $0.0, value: $0.1) }) }
}
