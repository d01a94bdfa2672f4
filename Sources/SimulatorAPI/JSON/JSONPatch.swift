import Foundation

/// The two patch formats the server accepts on objects and subresources.
enum PatchFormat: Sendable {
    /// `application/merge-patch+json` (RFC 7386): objects merge, arrays are replaced, `null` deletes.
    case merge
    /// `application/strategic-merge-patch+json`: as `merge`, except that lists of containers merge
    /// by `name` and lists of conditions by `type`, as the Kubernetes types' patch strategies say.
    case strategic
    /// `application/json-patch+json` (RFC 6902): a list of operations on JSON pointers. What
    /// upstream's updater and `kubectl patch --type json` send.
    case json

    /// The format a `Content-Type` names, or nil for one the server does not accept.
    init?(contentType: String) {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "application/merge-patch+json": self = .merge
        case "application/strategic-merge-patch+json": self = .strategic
        case "application/json-patch+json": self = .json
        default: return nil
        }
    }

    /// List fields that strategic merge patches merge element by element, and the key that matches elements.
    private static let mergeKeys = ["containers": "name", "initContainers": "name", "ephemeralContainers": "name",
                                    "conditions": "type", "containerStatuses": "name", "ownerReferences": "uid"]

    /// `patch` applied to `target`.
    ///
    /// - Throws: 422 for a JSON patch whose operation cannot apply (a path that does not exist), as
    ///   the API server answers.
    func apply(_ patch: JSON, to target: JSON) throws(APIError) -> JSON {
        if self == .json { return try JSONPatchOperations.apply(patch, to: target) }
        return merge(patch, into: target)
    }

    private func merge(_ patch: JSON, into target: JSON) -> JSON {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.members ?? []
        for (key, value) in patchMembers {
            // Directives such as `$setElementOrder/containers` order lists; order does not matter here.
            if key.hasPrefix("$") { continue }
            let index = result.firstIndex { $0.key == key }
            if case .null = value {
                if let index { result.remove(at: index) }
                continue
            }
            let current = index.map { result[$0].value }
            let merged: JSON
            if self == .strategic, let mergeKey = Self.mergeKeys[key], case .array(let patchElements) = value {
                merged = mergeList(current?.elements ?? [], patchElements, by: mergeKey)
            } else {
                merged = merge(value, into: current ?? .null)
            }
            if let index { result[index].value = merged } else { result.append((key, merged)) }
        }
        return .object(result)
    }

    /// Strategic merge of two lists of objects keyed by `mergeKey`: matching elements merge, new ones
    /// are appended, and an element carrying `$patch: delete` is removed.
    private func mergeList(_ current: [JSON], _ patch: [JSON], by mergeKey: String) -> JSON {
        var result = current
        for element in patch {
            guard let key = element[mergeKey] else { continue }
            let index = result.firstIndex { $0[mergeKey].flatMap(\.stringValue) == key.stringValue }
            if element["$patch"]?.stringValue == "delete" {
                if let index { result.remove(at: index) }
            } else if let index {
                result[index] = merge(element, into: result[index])
            } else {
                result.append(merge(element, into: .emptyObject))
            }
        }
        return .array(result)
    }
}

/// RFC 6902 operations `add`, `replace` and `remove` on RFC 6901 pointers: what a resize patch uses.
enum JSONPatchOperations {
    static func apply(_ patch: JSON, to target: JSON) throws(APIError) -> JSON {
        guard let operations = patch.elements else { throw APIError.unprocessable("a JSON patch is a list of operations") }
        var result = target
        for (index, operation) in operations.enumerated() {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw APIError.unprocessable("operation \(index) of the JSON patch needs op and path")
            }
            let tokens = try pointer(path)
            switch op {
            case "add", "replace":
                guard let value = operation["value"] else { throw APIError.unprocessable("operation \(index) (\(op) \(path)) has no value") }
                result = try set(tokens[...], in: result, to: value, mustExist: op == "replace", path: path)
            case "remove":
                result = try set(tokens[...], in: result, to: nil, mustExist: true, path: path)
            default:
                throw APIError.unprocessable("the simulated API applies add, replace and remove; operation \(index) is \(op)")
            }
        }
        return result
    }

    /// The reference tokens of a JSON pointer (`/spec/containers/0` → spec, containers, 0).
    static func pointer(_ path: String) throws(APIError) -> [String] {
        guard path.hasPrefix("/") else { throw APIError.unprocessable("JSON pointer \"\(path)\" does not start with /") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// `document` with the value at `tokens` set to `value` (nil removes it).
    private static func set(_ tokens: ArraySlice<String>, in document: JSON, to value: JSON?, mustExist: Bool,
                            path: String) throws(APIError) -> JSON {
        guard let token = tokens.first else { return value ?? .null }
        let last = tokens.count == 1
        switch document {
        case .object(var members):
            let index = members.firstIndex { $0.key == token }
            if last {
                if index == nil && (mustExist || value == nil) {
                    throw APIError.unprocessable("the JSON patch's path \(path) does not exist")
                }
                if let value {
                    if let index { members[index].value = value } else { members.append((token, value)) }
                } else if let index {
                    members.remove(at: index)
                }
                return .object(members)
            }
            guard let index else { throw APIError.unprocessable("the JSON patch's path \(path) does not exist") }
            members[index].value = try set(tokens.dropFirst(), in: members[index].value, to: value, mustExist: mustExist, path: path)
            return .object(members)
        case .array(var elements):
            if last, token == "-", value != nil, !mustExist {
                elements.append(value!)
                return .array(elements)
            }
            guard let index = Int(token), index >= 0, index < elements.count || (last && !mustExist && value != nil && index == elements.count) else {
                throw APIError.unprocessable("the JSON patch's path \(path) does not exist")
            }
            if last {
                if let value {
                    if mustExist { elements[index] = value } else { elements.insert(value, at: index) }
                } else {
                    elements.remove(at: index)
                }
                return .array(elements)
            }
            elements[index] = try set(tokens.dropFirst(), in: elements[index], to: value, mustExist: mustExist, path: path)
            return .array(elements)
        default:
            throw APIError.unprocessable("the JSON patch's path \(path) does not exist")
        }
    }
}
