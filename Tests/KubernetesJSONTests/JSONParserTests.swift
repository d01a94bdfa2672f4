@testable import KubernetesJSON
import Testing

/// Parses one JSON value (or a stream) straight through the parser.
private func parseAll(_ text: String) throws(JSONSyntaxError) -> [JSONValue] {
    var reader = JSONStreamReader(bytes: Array(text.utf8))
    var values: [JSONValue] = []
    while let next = try reader.nextValue() { values.append(next.value) }
    return values
}

private func parseOne(_ text: String) throws -> JSONValue {
    let values = try parseAll(text)
    try #require(values.count == 1)
    return values[0]
}

private func string(_ value: JSONValue) -> String? {
    if case .string(let text) = value { text } else { nil }
}

private func syntaxError(_ text: String) -> (line: Int, message: String)? {
    var reader = JSONStreamReader(bytes: Array(text.utf8))
    do {
        while try reader.nextValue() != nil {}
        return nil
    } catch {
        return (reader.line(atOffset: error.offset), error.message)
    }
}

@Suite("JSON parser")
struct JSONParserTests {
    @Test("objects keep their keys in input order")
    func keyOrder() throws {
        guard case .object(let object) = try parseOne(#"{"z": 1, "a": 2, "m": 3}"#) else {
            Issue.record("not an object"); return
        }
        #expect(object.members.map(\.key) == ["z", "a", "m"])
    }

    @Test("a key given twice: the last one wins, as in Go")
    func duplicateKeys() throws {
        guard case .object(let object) = try parseOne(#"{"a": "first", "a": "second"}"#) else {
            Issue.record("not an object"); return
        }
        #expect(object["a"].flatMap(string) == "second")
    }

    @Test("numbers keep their text", arguments: ["0", "-0", "1024", "-12", "0.5", "1e3", "1.5E-7", "123456789012345678901234567890"])
    func numbers(text: String) throws {
        guard case .number(let parsed) = try parseOne(text) else { Issue.record("not a number"); return }
        #expect(parsed == text)
    }

    @Test("invalid numbers are syntax errors", arguments: ["01", "1.", ".5", "-", "1e", "+1", "1.e3"])
    func invalidNumbers(text: String) {
        #expect(syntaxError("[\(text)]") != nil)
    }

    @Test("literals")
    func literals() throws {
        guard case .array(let values) = try parseOne("[true, false, null]") else { Issue.record("not an array"); return }
        guard values.count == 3, case .bool(true) = values[0], case .bool(false) = values[1], case .null = values[2] else {
            Issue.record("wrong literals: \(values)"); return
        }
    }

    @Test("string escapes")
    func escapes() throws {
        let value = try parseOne(#""a\"b\\c\/d\be\ff\ng\rh\ti""#)
        #expect(string(value) == "a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti")
    }

    @Test("\\u escapes, including a surrogate pair and Go's HTML escapes")
    func unicodeEscapes() throws {
        #expect(string(try parseOne(#""\u00e9\u003cx\u003e \u0026""#)) == "é<x> &")
        #expect(string(try parseOne(#""rocket \ud83d\ude80!""#)) == "rocket 🚀!")
        #expect(string(try parseOne(#""\uD83D\uDE80""#)) == "🚀")
    }

    @Test("lone surrogates become U+FFFD, as Go decodes them")
    func loneSurrogates() throws {
        #expect(string(try parseOne(#""a\ud83db""#)) == "a\u{FFFD}b")
        #expect(string(try parseOne(#""\ude80""#)) == "\u{FFFD}")
        #expect(string(try parseOne(#""\ud83d\u0041""#)) == "\u{FFFD}A")
    }

    @Test("raw UTF-8 passes through")
    func rawUTF8() throws {
        #expect(string(try parseOne("\"Équipe réseau 🚀\"")) == "Équipe réseau 🚀")
    }

    @Test("a stream of concatenated values, with or without whitespace between them")
    func stream() throws {
        #expect(try parseAll("{\"a\":1}\n{\"b\":2}\n\n  {\"c\":3}\n").count == 3)
        #expect(try parseAll(#"{"a":1}{"b":2}[3]"#).count == 3)
        #expect(try parseAll("  \n ").isEmpty)
        #expect(try parseAll("").isEmpty)
    }

    @Test("a byte order mark is skipped")
    func byteOrderMark() throws {
        #expect(try parseAll("\u{FEFF}{}").count == 1)
    }

    @Test("syntax errors carry the line of the error")
    func syntaxErrorLines() throws {
        let missingComma = try #require(syntaxError("{\n  \"a\": 1\n  \"b\": 2\n}"))
        #expect(missingComma.line == 3)
        #expect(missingComma.message.contains("expected ',' or '}'"))

        let unterminated = try #require(syntaxError("{\n\n  \"a\": \"abc"))
        #expect(unterminated.line == 3)
        #expect(unterminated.message.contains("unterminated string"))

        let trailingComma = try #require(syntaxError("[1,\n2,\n]"))
        #expect(trailingComma.line == 3)

        let badEscape = try #require(syntaxError(#"["\x"]"#))
        #expect(badEscape.message.contains("invalid escape"))

        let badUnicode = try #require(syntaxError(#"["\u12G4"]"#))
        #expect(badUnicode.message.contains("4 hex digits"))

        let rawNewline = try #require(syntaxError("[\"a\nb\"]"))
        #expect(rawNewline.message.contains("control character"))

        let endOfInput = try #require(syntaxError("{\"a\":"))
        #expect(endOfInput.message.contains("end of input"))

        let bareWord = try #require(syntaxError("{\"a\": yes}"))
        #expect(bareWord.message.contains("'y'"))
    }

    @Test("nesting is bounded so hostile input cannot overflow the stack")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000)
        let error = try #require(syntaxError(deep))
        #expect(error.message.contains("nesting deeper"))
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(try parseAll(fine).count == 1)
    }
}
