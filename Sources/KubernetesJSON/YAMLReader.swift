import Yams

/// A YAML syntax error (or a YAML construct this module does not accept), with its line when known.
struct YAMLSyntaxError: Error, Sendable {
    var line: Int?
    var message: String
}

/// Reads the documents of a YAML stream (separated by `---`) one at a time, as `JSONValue` trees.
///
/// libyaml (through Yams) does the parsing; this type only maps its nodes onto the same tree the JSON
/// parser builds, so the decoders never know which syntax they read.
struct YAMLReader {
    private let parser: Parser?
    private var initialError: YAMLSyntaxError?
    /// The last document read, kept to find the line of a field when decoding it fails.
    private var currentRoot: Node?
    /// Converts the documents, bounding what aliases add; one for the stream, because Yams resolves
    /// an alias to an anchor of an earlier document too.
    private var expansion = AliasExpansion()

    init(bytes: [UInt8]) {
        // Invalid UTF-8 becomes U+FFFD, as in the JSON path; Kubernetes objects are UTF-8.
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            // The resolver is `.basic` (no rules): this type resolves scalars itself, and Yams resolves
            // the tag of every mapping key to check for duplicates, which with the default resolver's
            // regular expressions was most of the time spent on a large pod list. The encoding is
            // explicit: Yams' default consults an environment variable and prints.
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            initialError = nil
        } catch {
            parser = nil
            initialError = Self.syntaxError(from: error)
        }
    }

    /// The next document's root value and the line where it starts, or `nil` after the last one.
    /// An empty document (`---` followed by nothing) comes back as `.null`.
    mutating func nextDocument() throws(YAMLSyntaxError) -> (value: JSONValue, line: Int?)? {
        if let initialError {
            self.initialError = nil
            throw initialError
        }
        guard let parser else { return nil }
        let root: Node?
        do {
            root = try parser.nextRoot()
        } catch {
            throw Self.syntaxError(from: error)
        }
        currentRoot = root
        guard let root else { return nil }
        expansion.startDocument()
        return (try expansion.value(of: root, line: root.mark?.line, inAlias: false), root.mark?.line)
    }

    /// The line of the value at `path` in the last document read: of its key when the last step is a
    /// mapping member, or of its deepest present ancestor when the field is missing.
    func line(of path: FieldPath) -> Int? {
        guard var node = currentRoot else { return nil }
        var line = node.mark?.line
        for component in path.components {
            switch (component, node) {
            case (.member(let wanted), .mapping(let mapping)):
                // When a key repeats, the decoders read the last one.
                var match: (key: Node, value: Node)?
                for pair in mapping where pair.key.scalar?.string == wanted { match = pair }
                guard let pair = match else { return line }
                line = pair.key.mark?.line ?? line
                node = pair.value
            case (.element(let index), .sequence(let sequence)):
                guard index < sequence.count else { return line }
                node = sequence[sequence.index(sequence.startIndex, offsetBy: index)]
                line = node.mark?.line ?? line
            default:
                return line
            }
        }
        return line
    }

    static func syntaxError(from error: any Error) -> YAMLSyntaxError {
        guard let yamlError = error as? YamlError else {
            return YAMLSyntaxError(line: nil, message: "invalid YAML: \(error)")
        }
        switch yamlError {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) (line \($0.mark.line)): " } ?? ""
            return YAMLSyntaxError(line: mark.line, message: "invalid YAML: \(prefix)\(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return YAMLSyntaxError(line: context.mark.line,
                                   message: "invalid YAML: duplicate keys \(duplicates.sorted().joined(separator: ", "))")
        case let .reader(problem, _, _, _):
            return YAMLSyntaxError(line: nil, message: "invalid YAML: \(problem)")
        default:
            return YAMLSyntaxError(line: nil, message: "invalid YAML: \(yamlError)")
        }
    }

    /// Resolves a scalar with the YAML 1.2 core schema: `null`, `true`/`false`, integers and floats
    /// are recognised only in plain (unquoted) scalars, and numbers keep their text. Quoted, literal
    /// and folded scalars are always strings, so `memory: "1024"` and `memory: 1024` differ only in
    /// type, never in text. `!!str` makes a plain scalar a string (`!!str 12`).
    static func value(of scalar: Node.Scalar) -> JSONValue {
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
        // Yams may have resolved an implicit tag in place (it does for mapping keys), so a tag here
        // is either written in the input or resolved from the text; only `!!str` and `!` change the
        // outcome, and both mean "a string" whichever way they got there.
        switch scalar.tag.description {
        case Tag.Name.str.rawValue, Tag.Name.nonSpecific.rawValue:
            return .string(text)
        case Tag.Name.null.rawValue:
            return .null
        default:
            return resolvePlain(text) ?? .string(text)
        }
    }

    /// The core-schema type of a plain scalar, or `nil` when it is a string.
    static func resolvePlain(_ text: String) -> JSONValue? {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
             ".nan", ".NaN", ".NAN":
            return .number(text)
        default:
            return isNumber(text) ? .number(text) : nil
        }
    }

    /// True for the core schema's integers (`12`, `-3`, `0x1F`, `0o17`) and floats (`1.5`, `.5`, `1e3`).
    static func isNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return false }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let rest = bytes[2...]
            if bytes[1] == UInt8(ascii: "x") {
                return rest.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }
            }
            if bytes[1] == UInt8(ascii: "o") {
                return rest.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
            }
        }
        var index = 0
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var mantissaDigits = 0
        while index < bytes.count && isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count && isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                index += 1
            }
            var exponentDigits = 0
            while index < bytes.count && isDigit(bytes[index]) { index += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return index == bytes.count
    }
}

/// Bounds what YAML aliases add to a document while it is converted, so a "billion laughs" document
/// (`b: &b [*a, *a, …]` nine levels deep: 377 bytes, 10^9 nodes) is refused long before its expansion
/// is built, while a document with a few aliases converts as before.
///
/// libyaml and Yams have no such limit: Yams' composer resolves an alias to the anchored node itself,
/// so the composed tree stays the size of the input (its arrays are shared, copy-on-write), and the
/// expansion happens here, where every alias becomes a copy. Nodes and scalar bytes reached *through*
/// an alias are counted; the conversion stops at the first one past a limit, so what it allocated is
/// bounded by the limits, not by the document. Kubernetes objects as `kubectl` prints them have no
/// aliases at all; the limits leave room for hand-written ones that share a block or two.
struct AliasExpansion {
    /// Most nodes aliases may add to one document.
    static let maximumNodes = 100_000
    /// Most bytes of scalar text aliases may add to one document (16 MiB).
    static let maximumTextBytes = 16 << 20

    private(set) var nodes = 0
    private(set) var textBytes = 0
    /// Anchored nodes already converted once (Yams keeps each `Anchor` alive for the parser's life,
    /// so its identity names one anchor definition). The first conversion of an anchored node is its
    /// definition, in document order; every later one is an alias.
    private var anchorsSeen = Set<ObjectIdentifier>()

    /// Starts counting for the next document of the stream; anchors seen stay seen.
    mutating func startDocument() {
        nodes = 0
        textBytes = 0
    }

    /// Converts `node`; `line` is the line of its parent, for the error.
    mutating func value(of node: Node, line: Int?, inAlias: Bool) throws(YAMLSyntaxError) -> JSONValue {
        let inAlias = try enter(node, line: line, inAlias: inAlias)
        // A node reached through an alias carries the mark of the anchor's definition, further up:
        // the error names the line where the alias is used (its parent's) instead.
        let line = inAlias ? line : node.mark?.line ?? line
        switch node {
        case .scalar(let scalar):
            return YAMLReader.value(of: scalar)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            elements.reserveCapacity(sequence.count)
            for element in sequence {
                elements.append(try value(of: element, line: line, inAlias: inAlias))
            }
            return .array(elements)
        case .mapping(let mapping):
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(mapping.count)
            for (key, member) in mapping {
                // JSON (and so every Kubernetes object) has only string keys; a YAML key that is
                // itself a mapping or a list has no counterpart.
                guard case .scalar(let keyScalar) = key else {
                    throw YAMLSyntaxError(line: key.mark?.line, message: "a mapping key must be a scalar")
                }
                let keyIsAliased = try enter(key, line: line, inAlias: inAlias)
                let memberLine = keyIsAliased ? line : key.mark?.line ?? line
                members.append((keyScalar.string, try value(of: member, line: memberLine, inAlias: inAlias)))
            }
            return .object(JSONObject(members: members))
        case .alias:
            // The composer replaces aliases with the node they name; nothing is left to resolve.
            return .null
        }
    }

    /// Whether `node` is reached through an alias (inside one, or an anchored node met again), counting
    /// it when it is.
    private mutating func enter(_ node: Node, line: Int?, inAlias: Bool) throws(YAMLSyntaxError) -> Bool {
        var inAlias = inAlias
        if !inAlias, let anchor = node.anchor, !anchorsSeen.insert(ObjectIdentifier(anchor)).inserted {
            inAlias = true
        }
        if inAlias { try count(node, line: line) }
        return inAlias
    }

    /// Counts one node an alias adds, and its text; throws once past either limit.
    private mutating func count(_ node: Node, line: Int?) throws(YAMLSyntaxError) {
        nodes += 1
        if case .scalar(let scalar) = node { textBytes += scalar.string.utf8.count }
        if nodes > Self.maximumNodes {
            throw YAMLSyntaxError(line: line, message: "YAML aliases expand to more than \(Self.maximumNodes) nodes; "
                                  + "write the repeated parts out, or split the document (a document of aliases of aliases grows exponentially)")
        }
        if textBytes > Self.maximumTextBytes {
            throw YAMLSyntaxError(line: line, message: "YAML aliases expand to more than \(Self.maximumTextBytes) bytes of text; "
                                  + "write the repeated parts out, or split the document (a document of aliases of aliases grows exponentially)")
        }
    }
}
