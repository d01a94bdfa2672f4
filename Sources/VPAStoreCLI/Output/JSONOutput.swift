import VPAModel

/// A JSON value with ordered keys, so output reads in the documented field order.
indirect enum JSONOutput {
    case object([(String, JSONOutput)])
    case array([JSONOutput])
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    /// JSON text written as it is (already valid JSON, such as `body_json`'s).
    case raw(String)

    /// A scalar as a csv field: a string as it is, a number or a bool as JSON writes it.
    var csvText: String {
        if case .string(let string) = self { return string }
        return text
    }

    /// Compact JSON text.
    var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    func write(to output: inout String) {
        switch self {
        case .object(let fields):
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                JSONString.append(key, to: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .string(let string): JSONString.append(string, to: &output)
        case .int(let number): output += String(number)
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .raw(let text): output += text
        }
    }
}

/// Builds a JSON object, leaving out fields whose value is nil ("a resource that is not set is absent").
struct JSONObjectBuilder {
    private(set) var fields: [(String, JSONOutput)] = []

    mutating func add(_ key: String, _ value: JSONOutput) { fields.append((key, value)) }
    mutating func add(_ key: String, _ value: String) { fields.append((key, .string(value))) }
    mutating func add(_ key: String, _ value: Int64) { fields.append((key, .int(value))) }
    mutating func add(_ key: String, _ value: Bool) { fields.append((key, .bool(value))) }
    mutating func add(_ key: String, ifPresent value: Int64?) { if let value { fields.append((key, .int(value))) } }
    mutating func add(_ key: String, ifPresent value: String?) { if let value { fields.append((key, .string(value))) } }

    var json: JSONOutput { .object(fields) }
}
