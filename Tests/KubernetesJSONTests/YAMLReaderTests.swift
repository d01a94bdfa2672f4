@testable import KubernetesJSON
import Testing

private func documents(_ text: String) throws(YAMLSyntaxError) -> [JSONValue] {
    var reader = YAMLReader(bytes: Array(text.utf8))
    var values: [JSONValue] = []
    while let next = try reader.nextDocument() { values.append(next.value) }
    return values
}

private func member(_ value: JSONValue, _ key: String) -> JSONValue? {
    if case .object(let object) = value { object[key] } else { nil }
}

@Suite("YAML reader")
struct YAMLReaderTests {
    @Test("plain scalars resolve with the core schema; quoted ones stay strings")
    func scalarTypes() throws {
        let yaml = """
            nothing: ~
            alsoNothing: null
            empty:
            yes: true
            no: False
            count: 1024
            half: 0.5
            exp: 1e3
            quoted: "1024"
            single: 'true'
            stamp: 2018-02-23T13:00:00Z
            word: Running
            literal: |
              12
            tagged: !!str 12
            """
        let root = try #require(try documents(yaml).first)
        func check(_ key: String, _ expected: String) {
            let value = member(root, key)
            let description: String = switch value {
            case nil: "absent"
            case .null?: "null"
            case .bool(let flag)?: "bool \(flag)"
            case .number(let text)?: "number \(text)"
            case .string(let text)?: "string \(text)"
            case .array?: "array"
            case .object?: "object"
            }
            #expect(description == expected, "\(key)")
        }
        check("nothing", "null")
        check("alsoNothing", "null")
        check("empty", "null")
        check("yes", "bool true")  // YAML 1.2: `yes` as a key is a string, its value `true` a bool
        check("no", "bool false")
        check("count", "number 1024")
        check("half", "number 0.5")
        check("exp", "number 1e3")
        check("quoted", "string 1024")
        check("single", "string true")
        check("stamp", "string 2018-02-23T13:00:00Z")
        check("word", "string Running")
        check("literal", "string 12\n")
        check("tagged", "string 12")
    }

    @Test("documents separated by ---, empty ones come back as null")
    func multipleDocuments() throws {
        let values = try documents("---\na: 1\n---\n---\nb: 2\n...\n")
        #expect(values.count == 3)
        if values.count == 3, case .null = values[1] {} else { Issue.record("middle document not null: \(values)") }
    }

    @Test("anchors and aliases are resolved")
    func aliases() throws {
        let root = try #require(try documents("base: &r {cpu: 250m}\ncopy: *r\n").first)
        guard case .object(let copy)? = member(root, "copy"), case .string("250m")? = copy["cpu"] else {
            Issue.record("alias not resolved: \(root)"); return
        }
    }

    @Test("syntax errors carry their line")
    func syntaxError() {
        do {
            _ = try documents("a: 1\nb: [1, 2\nc: 3\n")
            Issue.record("no error")
        } catch {
            #expect(error.line != nil)
            #expect(error.message.hasPrefix("invalid YAML"))
        }
    }
}
