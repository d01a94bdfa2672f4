import VPAModel

/// Typed reads of the members of one object, each failure naming the field's full path.
///
/// Absent and `null` are the same everywhere (as in Go, where `null` leaves a field at its zero
/// value). A present value of the wrong type is an error, never silently ignored, except that YAML
/// plain scalars may stand for strings (see `lenientScalars`).
struct FieldReader {
    let object: JSONObject
    let path: FieldPath
    /// True for YAML input: a string field then also takes a plain scalar that resolved to a number
    /// (`name: 2024` written without quotes), with its text unchanged, as `sigs.k8s.io/yaml` does
    /// when `kubectl apply` reads a manifest.
    let lenientScalars: Bool
    /// Where a decode says what it accepted but changed (a quantity beyond 64 bits, capped); nil
    /// when nobody listens.
    let notes: DecodeNotes?

    init(object: JSONObject, path: FieldPath, lenientScalars: Bool, notes: DecodeNotes? = nil) {
        self.object = object
        self.path = path
        self.lenientScalars = lenientScalars
        self.notes = notes
    }

    /// A reader over `value`, which must be an object.
    init(_ value: JSONValue, path: FieldPath, lenientScalars: Bool, notes: DecodeNotes? = nil) throws(FieldError) {
        guard case .object(let object) = value else {
            throw FieldError(path: path, message: "expected an object, found \(value.typeName)")
        }
        self.init(object: object, path: path, lenientScalars: lenientScalars, notes: notes)
    }

    /// The member's value, or `nil` when it is absent or `null`.
    func value(_ key: String) -> JSONValue? {
        switch object[key] {
        case nil, .null?: return nil
        case let value?: return value
        }
    }

    /// True when the member is present (even when it is `null`).
    func contains(_ key: String) -> Bool { object[key] != nil }

    func string(_ key: String) throws(FieldError) -> String? {
        guard let value = value(key) else { return nil }
        return try Self.string(value, path: path.appending(key), lenientScalars: lenientScalars)
    }

    /// A string that must be present and not empty.
    func requiredString(_ key: String) throws(FieldError) -> String {
        guard let text = try string(key), !text.isEmpty else {
            throw FieldError(path: path.appending(key), message: "missing required field")
        }
        return text
    }

    /// A string where empty means unset, as Go's zero value does (`nodeName: ""` is unscheduled).
    func nonEmptyString(_ key: String) throws(FieldError) -> String? {
        guard let text = try string(key), !text.isEmpty else { return nil }
        return text
    }

    func int64(_ key: String) throws(FieldError) -> Int64? {
        guard let value = value(key) else { return nil }
        return try Self.integer(value, path: path.appending(key), as: Int64.self)
    }

    func int32(_ key: String) throws(FieldError) -> Int32? {
        guard let value = value(key) else { return nil }
        return try Self.integer(value, path: path.appending(key), as: Int32.self)
    }

    func bool(_ key: String) throws(FieldError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw FieldError(path: path.appending(key), message: "expected a bool, found \(value.typeName)")
        }
        return flag
    }

    /// An RFC 3339 time such as `2026-11-02T09:00:00Z`.
    func timestamp(_ key: String) throws(FieldError) -> Timestamp? {
        guard let text = try string(key) else { return nil }
        do throws(TimestampError) {
            return try Timestamp(rfc3339: text)
        } catch {
            // "invalid time "…": expected RFC 3339 such as 2018-02-23T13:38:48Z"
            throw FieldError(path: path.appending(key), message: error.description)
        }
    }

    /// The member as an object, or `nil` when it is absent or `null`.
    func object(_ key: String) throws(FieldError) -> FieldReader? {
        guard let value = value(key) else { return nil }
        return try FieldReader(value, path: path.appending(key), lenientScalars: lenientScalars, notes: notes)
    }

    /// The member as an object, which must be there: "missing required field", followed by `what`
    /// (what the object holds) when given.
    func requiredObject(_ key: String, what: String? = nil) throws(FieldError) -> FieldReader {
        guard let object = try object(key) else {
            throw FieldError(path: path.appending(key), message: "missing required field" + (what.map { " (\($0))" } ?? ""))
        }
        return object
    }

    /// The member as an array of objects (empty when absent or `null`).
    func objects(_ key: String) throws(FieldError) -> [FieldReader] {
        guard let value = value(key) else { return [] }
        let arrayPath = path.appending(key)
        guard case .array(let elements) = value else {
            throw FieldError(path: arrayPath, message: "expected an array, found \(value.typeName)")
        }
        var readers: [FieldReader] = []
        readers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            readers.append(try FieldReader(element, path: arrayPath.appending(index: index),
                                           lenientScalars: lenientScalars, notes: notes))
        }
        return readers
    }

    /// A map of strings such as `metadata.annotations`, or `nil` when absent.
    func stringMap(_ key: String) throws(FieldError) -> [String: String]? {
        guard let map = try object(key) else { return nil }
        var result: [String: String] = [:]
        for member in map.object.members {
            switch member.value {
            case .null: continue
            default:
                result[member.key] = try Self.string(member.value, path: map.path.appending(member.key),
                                                     lenientScalars: lenientScalars)
            }
        }
        return result
    }

    /// A resource list (`requests`, `limits`, `allocatedResources`): a map of quantities, each a
    /// string or a number (`cpu: 2`, `memory: 1024`). `nil` when the member is absent or `null`; an
    /// empty list when it is `{}`.
    func resourceList(_ key: String) throws(FieldError) -> ResourceList? {
        guard let map = try object(key) else { return nil }
        var quantities: [(key: String, text: String)] = []
        quantities.reserveCapacity(map.object.members.count)
        for member in map.object.members {
            let text: String
            switch member.value {
            case .string(let string): text = string
            case .number(let number): text = number
            // Go's Quantity.UnmarshalJSON reads `null` as a zero quantity, present in the map.
            case .null: text = "0"
            default:
                throw FieldError(path: map.path.appending(member.key),
                                 message: "expected a quantity (a string or a number), found \(member.value.typeName)")
            }
            quantities.append((member.key, text))
        }
        var kubernetesMap: [String: String] = [:]
        for quantity in quantities { kubernetesMap[quantity.key] = quantity.text }
        do throws(ResourceListError) {
            var saturated: [String] = []
            let list = try ResourceList(kubernetes: kubernetesMap, saturated: &saturated)
            for key in saturated {
                notes?.add(path: map.path.appending(key), "\(kubernetesMap[key].map { $0.debugDescription } ?? "") is beyond 64 bits; "
                           + "counted as \(Int64.max) \(key == "cpu" ? "millicores" : "units"), as the API server caps it")
            }
            return list
        } catch {
            // The whole-map parse names the alphabetically first bad key; a reader fixing the file goes
            // top to bottom, so parse entry by entry to name the first bad one in document order.
            for quantity in quantities {
                do throws(ResourceListError) {
                    _ = try ResourceList(kubernetes: [quantity.key: quantity.text])
                } catch {
                    throw Self.quantityError(error, path: map.path.appending(quantity.key))
                }
            }
            throw Self.quantityError(error, path: map.path.appending(error.resource))
        }
    }

    static func quantityError(_ error: ResourceListError, path: FieldPath) -> FieldError {
        if let underlying = error.underlying {
            // "invalid quantity "12x": unknown suffix "x" (expected a number with an optional suffix …)"
            return FieldError(path: path, message: underlying.description)
        }
        // The description starts with the resource name, which the path already gives.
        var message = error.description
        let prefix = "\(error.resource): "
        if message.hasPrefix(prefix) { message.removeFirst(prefix.count) }
        return FieldError(path: path, message: message)
    }

    static func string(_ value: JSONValue, path: FieldPath, lenientScalars: Bool) throws(FieldError) -> String {
        switch value {
        case .string(let text):
            // The store's protobuf strings end at the first NUL: "a\u0000b" would be stored as "a" and
            // collide with a real pod "a". No Kubernetes name or value this reads may hold one.
            guard !text.utf8.contains(0) else {
                throw FieldError(path: path, message: "contains a NUL character (\\u0000), which no Kubernetes name or value may hold")
            }
            return text
        case .number(let text) where lenientScalars:
            return text
        case .bool where lenientScalars:
            // Not converted: the YAML text (`True`, `TRUE`) is gone by now, and `sigs.k8s.io/yaml`'s
            // answer, "true", would silently fail every comparison with "True". Better to ask.
            throw FieldError(path: path, message: "expected a string, found a bool (quote it in YAML: \"True\")")
        default:
            throw FieldError(path: path, message: "expected a string, found \(value.typeName)")
        }
    }

    /// An integer field. Like Go's decoder, a number with a fraction or an exponent is refused rather
    /// than rounded, and so is a value out of the field's range.
    static func integer<Integer: FixedWidthInteger>(_ value: JSONValue, path: FieldPath,
                                                   as type: Integer.Type) throws(FieldError) -> Integer {
        guard case .number(let text) = value else {
            throw FieldError(path: path, message: "expected an integer, found \(value.typeName)")
        }
        guard let integer = Integer(text) else {
            let isWhole = text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
            let reason = isWhole ? "out of range for a \(Integer.bitWidth)-bit integer" : "not a whole number"
            throw FieldError(path: path, message: "expected an integer, found \(text) (\(reason))")
        }
        return integer
    }
}
