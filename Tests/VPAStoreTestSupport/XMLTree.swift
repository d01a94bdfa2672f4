import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

// Shared by the report tests (ResourceReportTests) and the page the binary and the server write.

/// A page parsed as XML, as a tree to search: the report promises well-formed XHTML.
public final class XMLNode {
    public let name: String
    public let attributes: [String: String]
    public var children: [XMLNode] = []
    public var text = ""
    public weak var parent: XMLNode?

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every element under this one (depth first, document order) that passes `test`.
    public func all(_ test: (XMLNode) -> Bool) -> [XMLNode] {
        var found: [XMLNode] = []
        for child in children {
            if test(child) { found.append(child) }
            found += child.all(test)
        }
        return found
    }

    public func all(_ name: String, class wanted: String? = nil) -> [XMLNode] {
        all { $0.name == name && (wanted == nil || $0.classes.contains(wanted!)) }
    }

    public var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }

    /// The text of this element and everything under it.
    public var allText: String { text + children.map(\.allText).joined() }

    /// The text of the `<title>` child (what a browser shows on hover).
    public var title: String? { children.first { $0.name == "title" }?.allText }

    /// Parses `text`; throws with the parser's line and column when it is not well-formed.
    public static func parse(_ text: String) throws -> XMLNode {
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        guard parser.parse() else {
            throw ParseFailure(description: "not well-formed at line \(parser.lineNumber), column \(parser.columnNumber): "
                               + "\(parser.parserError.map { "\($0)" } ?? "?")")
        }
        return builder.root
    }

    public struct ParseFailure: Error, CustomStringConvertible {
        public var description: String
    }

    private final class Builder: NSObject, XMLParserDelegate {
        let root = XMLNode(name: "#document", attributes: [:])
        lazy var current = root

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLNode(name: name, attributes: attributes)
            node.parent = current
            current.children.append(node)
            current = node
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            current = current.parent ?? root
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            current.text += string
        }
    }
}

/// The commands of an SVG path of `M`, `H`, `V`, `L` and `Z` (what the report writes), with numbers.
public struct PathCommand: Equatable {
    public var letter: Character
    public var values: [Double]

    public static func parse(_ d: String) -> [PathCommand] {
        var commands: [PathCommand] = []
        var number = ""
        func flush() {
            if !number.isEmpty, let value = Double(number), !commands.isEmpty { commands[commands.count - 1].values.append(value) }
            number = ""
        }
        for character in d {
            if character.isLetter {
                flush()
                commands.append(PathCommand(letter: character, values: []))
            } else if character == " " || character == "," {
                flush()
            } else {
                number.append(character)
            }
        }
        flush()
        return commands
    }
}
