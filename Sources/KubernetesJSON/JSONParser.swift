/// A JSON syntax error: where it is (a byte offset into the input) and what is wrong.
struct JSONSyntaxError: Error, Sendable {
    /// Byte offset of the offending character (or of the end of input).
    var offset: Int
    var message: String
}

/// Reads a stream of JSON values from bytes: one value, or several concatenated ones separated by
/// whitespace (or by nothing), as `kubectl get --watch -o json` prints them.
///
/// Works on the raw UTF-8 bytes: strings are cut out of the buffer in one piece, never built a
/// character at a time, which is what keeps a 40 MB pod list fast even in a debug build.
struct JSONStreamReader {
    private let bytes: [UInt8]
    private var position: Int
    /// The last offset a line number was computed for, so that asking for the lines of successive
    /// documents costs one pass over the input in total rather than one per document.
    private var lineMark: (offset: Int, line: Int) = (0, 1)

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark is not JSON, but editors on some systems write one.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            position = 3
        } else {
            position = 0
        }
    }

    /// The next top-level value and the byte offset where it starts, or `nil` at the end of input.
    mutating func nextValue() throws(JSONSyntaxError) -> (value: JSONValue, offset: Int)? {
        let start = position
        let outcome: Result<(value: JSONValue, offset: Int, end: Int)?, JSONSyntaxError> =
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return .success(nil) }
                var parser = JSONParser(base: base, count: buffer.count, position: start)
                do throws(JSONSyntaxError) {
                    parser.skipWhitespace()
                    if parser.position == buffer.count { return .success(nil) }
                    let offset = parser.position
                    let value = try parser.parseValue()
                    return .success((value, offset, parser.position))
                } catch {
                    return .failure(error)
                }
            }
        switch outcome {
        case .success(let result?):
            position = result.end
            return (result.value, result.offset)
        case .success(nil):
            position = bytes.count
            return nil
        case .failure(let error):
            throw error
        }
    }

    /// The line of the value at `path` inside the value that starts at byte `offset`: of its key when
    /// the last step is an object member, or of its deepest present ancestor when the field is
    /// missing. Used only to report an error, so it parses the document again rather than making
    /// every value of every clean decode carry its position.
    mutating func line(of path: FieldPath, inValueAt offset: Int) -> Int {
        let components = path.components
        let located: Int = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return offset }
            var parser = JSONParser(base: base, count: buffer.count, position: offset)
            return parser.locate(components)
        }
        return line(atOffset: located)
    }

    /// The 1-based line number of a byte offset.
    mutating func line(atOffset offset: Int) -> Int {
        if offset < lineMark.offset { lineMark = (0, 1) }
        var line = lineMark.line
        var index = lineMark.offset
        let end = min(offset, bytes.count)
        while index < end {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
        lineMark = (end, line)
        return line
    }
}

/// The recursive-descent parser proper, over a buffer that stays valid for the parser's lifetime
/// (it lives only inside `withUnsafeBufferPointer`).
private struct JSONParser {
    /// Deeper nesting than this is refused: real Kubernetes objects are a dozen levels deep, and a
    /// hostile `[[[[…` must not overflow the stack.
    static let maximumDepth = 512

    let base: UnsafePointer<UInt8>
    let count: Int
    var position: Int
    var depth = 0
    /// Reused for strings that contain escapes, the only ones that cannot be cut out in one piece.
    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int, position: Int) {
        self.base = base
        self.count = count
        self.position = position
    }

    /// Follows `components` from the value at the current position and returns the offset of the
    /// last step found (a member's key, an array element), or of the starting value.
    mutating func locate(_ components: [FieldPath.Component]) -> Int {
        skipWhitespace()
        var found = position
        for component in components {
            skipWhitespace()
            guard position < count else { return found }
            switch component {
            case .member(let wanted):
                guard base[position] == UInt8(ascii: "{") else { return found }
                position += 1
                // Scan every member: when a key repeats, the decoders read the last one.
                var match: (key: Int, value: Int)?
                while true {
                    skipWhitespace()
                    guard position < count, base[position] == UInt8(ascii: "\"") else { break }
                    let keyOffset = position
                    guard let key = try? parseString() else { return found }
                    skipWhitespace()
                    guard position < count, base[position] == UInt8(ascii: ":") else { return found }
                    position += 1
                    skipWhitespace()
                    if key == wanted { match = (keyOffset, position) }
                    guard (try? parseValue()) != nil else { return found }
                    skipWhitespace()
                    guard position < count, base[position] == UInt8(ascii: ",") else { break }
                    position += 1
                }
                guard let match else { return found }
                found = match.key
                position = match.value
            case .element(let wanted):
                guard base[position] == UInt8(ascii: "[") else { return found }
                position += 1
                var index = 0
                while true {
                    skipWhitespace()
                    guard position < count, base[position] != UInt8(ascii: "]") else { return found }
                    if index == wanted { break }
                    guard (try? parseValue()) != nil else { return found }
                    skipWhitespace()
                    guard position < count, base[position] == UInt8(ascii: ",") else { return found }
                    position += 1
                    index += 1
                }
                found = position
            }
        }
        return found
    }

    mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, message: message)
    }

    /// Describes the byte at the current position for an error message.
    func found() -> String {
        guard position < count else { return "end of input" }
        let byte = base[position]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard position < count else { throw error("unexpected end of input, expected a value") }
        switch base[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(found()), expected a value")
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if position < count && base[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject(members: members))
        }
        while true {
            skipWhitespace()
            guard position < count, base[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(found()), expected an object key in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < count, base[position] == UInt8(ascii: ":") else {
                throw error("unexpected \(found()), expected ':' after an object key")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            members.append((key, value))
            skipWhitespace()
            guard position < count else { throw error("unexpected end of input, expected ',' or '}'") }
            switch base[position] {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(JSONObject(members: members))
            default:
                throw error("unexpected \(found()), expected ',' or '}' after an object member")
            }
        }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < count && base[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < count else { throw error("unexpected end of input, expected ',' or ']'") }
            switch base[position] {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            default:
                throw error("unexpected \(found()), expected ',' or ']' after an array element")
            }
        }
    }

    mutating func parseLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        guard position + length <= count else { throw error("unexpected \(found()), expected a value") }
        for index in 0..<length where base[position + index] != start[index] {
            throw error("unexpected \(found()), expected a value")
        }
        position += length
    }

    /// Checks the number grammar of RFC 8259 and returns the number's text unchanged.
    mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = position
        if base[position] == UInt8(ascii: "-") { position += 1 }
        guard position < count, isDigit(base[position]) else { throw error("invalid number: expected a digit") }
        if base[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < count && isDigit(base[position]) { position += 1 }
        }
        if position < count && base[position] == UInt8(ascii: ".") {
            position += 1
            guard position < count, isDigit(base[position]) else {
                throw error("invalid number: expected a digit after '.'")
            }
            while position < count && isDigit(base[position]) { position += 1 }
        }
        if position < count && (base[position] == UInt8(ascii: "e") || base[position] == UInt8(ascii: "E")) {
            position += 1
            if position < count && (base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard position < count, isDigit(base[position]) else {
                throw error("invalid number: expected a digit in the exponent")
            }
            while position < count && isDigit(base[position]) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Parses a string starting at its opening quote.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let opening = position
        position += 1
        let start = position
        // Fast path: most strings have no escapes and are cut out of the buffer in one piece.
        while position < count {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start),
                                  as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character (byte 0x\(String(byte, radix: 16))) in a string; JSON needs it escaped") }
            position += 1
        }
        guard position < count else { throw error("unterminated string", at: opening) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        while position < count {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte < 0x20 { throw error("control character (byte 0x\(String(byte, radix: 16))) in a string; JSON needs it escaped") }
            if byte != UInt8(ascii: "\\") {
                scratch.append(byte)
                position += 1
                continue
            }
            try parseEscape()
        }
        throw error("unterminated string", at: opening)
    }

    /// Decodes one escape sequence (the position is at its backslash) into `scratch`.
    mutating func parseEscape() throws(JSONSyntaxError) {
        let escapeStart = position
        position += 1
        guard position < count else { throw error("unterminated string") }
        let letter = base[position]
        position += 1
        switch letter {
        case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4(escapeStart: escapeStart)
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate; together they name
                // one scalar beyond the Basic Multilingual Plane (e.g. an emoji).
                if position + 1 < count, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") {
                    let save = position
                    position += 2
                    let low = try parseHex4(escapeStart: save)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        // Not a pair: the lone high surrogate becomes U+FFFD, as Go's decoder does,
                        // and the second escape is decoded on its own.
                        position = save
                        scalar = 0xFFFD
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            appendUTF8(scalar)
        default:
            throw error("invalid escape '\\\(Character(Unicode.Scalar(letter)))' in a string", at: escapeStart)
        }
    }

    mutating func parseHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= count else { throw error("invalid \\u escape: expected 4 hex digits", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape: expected 4 hex digits", at: escapeStart)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
