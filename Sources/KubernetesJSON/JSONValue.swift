/// A parsed document, from JSON or YAML: the one tree every decoder reads.
///
/// Numbers keep their source text so that a quantity written as a number (`memory: 1024`,
/// `cpu: 0.5`) reaches the quantity parser exactly as written, with no trip through `Double`.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number's text as it appears in the input (`1024`, `-0.5`, `1e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in input order.
    case object(JSONObject)

    /// The name of this value's type, as error messages say it ("expected a string, found a number").
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a bool"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The members of a JSON object (or YAML mapping) in input order.
///
/// An array of pairs rather than a dictionary: objects in Kubernetes output are small, so a linear
/// scan beats hashing every key of every object, and the input order is kept for free.
struct JSONObject: Sendable {
    var members: [(key: String, value: JSONValue)]

    init(members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    /// The value of `key`, or `nil` when the object has no such member. When a key appears twice the
    /// last one wins, as Go's `encoding/json` (and so the API server) decides.
    subscript(key: String) -> JSONValue? {
        var index = members.count
        while index > 0 {
            index -= 1
            if members[index].key == key { return members[index].value }
        }
        return nil
    }
}
