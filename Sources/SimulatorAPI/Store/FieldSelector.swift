import Foundation

/// A `fieldSelector` query parameter: `reason=Evicted`, `metadata.namespace!=kube-system`, terms
/// joined by commas, all of which must hold.
struct FieldSelector: Sendable {
    struct Term: Sendable {
        var field: String
        var value: String
        var equal: Bool
    }

    var terms: [Term]
}

extension FieldSelector {
    /// The fields a selector may name; the API server refuses others ("field label not supported").
    static let supportedFields: Set<String> = ["metadata.name", "metadata.namespace", "reason", "type",
                                                "involvedObject.kind", "involvedObject.name", "involvedObject.namespace",
                                                "involvedObject.uid", "spec.nodeName", "status.phase"]

    /// Parses a selector; an empty one selects everything.
    init(parsing text: String) throws(APIError) {
        terms = []
        for part in text.split(separator: ",") where !part.isEmpty {
            let term: Term
            if let range = part.range(of: "!=") {
                term = Term(field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equal: false)
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                term = Term(field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equal: true)
            } else {
                throw APIError.badRequest("invalid field selector \"\(text)\": expected field=value")
            }
            guard Self.supportedFields.contains(term.field) else {
                throw APIError.badRequest("field label not supported: \(term.field)")
            }
            terms.append(term)
        }
    }

    /// Whether an object with these field values is selected.
    func matches(_ fields: [String: String]) -> Bool {
        terms.allSatisfy { term in (fields[term.field] ?? "") == term.value ? term.equal : !term.equal }
    }

    /// The field values of an object that selectors may name.
    static func fields(of object: JSON) -> [String: String] {
        var fields: [String: String] = [:]
        for field in supportedFields {
            if let value = object.value(atPath: field)?.stringValue { fields[field] = value }
        }
        return fields
    }
}
