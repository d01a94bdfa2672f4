import Logging
import VPAModel

/// Renders one log record as one line, in a `LogFormat`. The line never contains a line break,
/// whatever the message or the metadata hold, so one record is one line for `grep`, `kubectl logs`
/// and a log shipper alike.
///
/// - text: `2026-12-04T20:15:03.120Z info vpa-store.serve: Ingested ingest.events=3 rpc.peer="a b"`.
///   The message is written as it is except that line breaks and other control characters are
///   escaped (`\n`); metadata follow sorted by key, a nested dictionary flattened into dotted keys. A
///   value is quoted only when it must be: empty, or holding whitespace, `"`, `=`, `\` or a control
///   character; inside quotes `"` and `\` are escaped with `\`.
/// - json: `{"ts":"…","level":"info","label":"…","msg":"…", …}`, then the metadata keys sorted (a
///   key equal to one of the four is written `metadata.KEY`); nested metadata stay nested; a number
///   or a Bool given with `.stringConvertible` is written as a JSON number or boolean.
public struct LogLineFormatter: Sendable {
    /// The format lines are written in.
    public var format: LogFormat

    /// The keys every JSON line starts with.
    static let reservedKeys: Set<String> = ["ts", "level", "label", "msg"]

    public init(format: LogFormat) {
        self.format = format
    }

    /// The line for one record, without a trailing newline. `time` is written as RFC 3339 in UTC
    /// with milliseconds.
    public func line(time: Timestamp, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        let timeText = Self.millisecondTime(time)
        switch format {
        case .text:
            var line = "\(timeText) \(level.rawValue) \(label): "
            Self.appendEscaped(message, quoting: false, to: &line)
            for key in metadata.keys.sorted() {
                Self.appendText(key: key, value: metadata[key]!, to: &line)
            }
            return line
        case .json:
            var line = "{\"ts\":\"\(timeText)\",\"level\":\"\(level.rawValue)\",\"label\":"
            JSONString.append(label, to: &line)
            line += ",\"msg\":"
            JSONString.append(message, to: &line)
            for key in metadata.keys.sorted() {
                line += ","
                JSONString.append(Self.reservedKeys.contains(key) ? "metadata.\(key)" : key, to: &line)
                line += ":"
                Self.appendJSON(metadata[key]!, to: &line)
            }
            return line + "}"
        }
    }

    /// RFC 3339 with three digits of milliseconds always, so every line's time has the same width.
    static func millisecondTime(_ time: Timestamp) -> String {
        let text = time.rfc3339
        return text.contains(".") ? text : String(text.dropLast()) + ".000Z"
    }

    // MARK: - Text

    private static func appendText(key: String, value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .dictionary(let dictionary):
            for subkey in dictionary.keys.sorted() {
                appendText(key: "\(key).\(subkey)", value: dictionary[subkey]!, to: &line)
            }
        default:
            line += " "
            appendToken(key, to: &line)
            line += "="
            appendToken(textValue(value), to: &line)
        }
    }

    /// A scalar as its text; an array as its JSON (then quoted, as it holds quotes or commas).
    private static func textValue(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        case .array, .dictionary:
            var json = ""
            appendJSON(value, to: &json)
            return json
        }
    }

    /// `text` bare when it can be read back unambiguously, else quoted and escaped.
    private static func appendToken(_ text: String, to line: inout String) {
        let needsQuotes = text.isEmpty || text.unicodeScalars.contains { scalar in
            scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.properties.isWhitespace || JSONString.isControl(scalar)
        }
        if needsQuotes { line += "\"" }
        appendEscaped(text, quoting: needsQuotes, to: &line)
        if needsQuotes { line += "\"" }
    }

    /// Appends `text` with every control character escaped; inside quotes, `"` and `\` too.
    private static func appendEscaped(_ text: String, quoting: Bool, to line: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += quoting ? "\\t" : "\t"
            case "\"" where quoting: line += "\\\""
            case "\\" where quoting: line += "\\\\"
            case _ where JSONString.isControl(scalar): JSONString.appendUnicodeEscape(scalar, to: &line)
            default: line.unicodeScalars.append(scalar)
            }
        }
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators (which some viewers
    /// break lines at).
    // MARK: - JSON

    private static func appendJSON(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .string(let string):
            JSONString.append(string, to: &line)
        case .stringConvertible(let convertible):
            if let bool = convertible as? Bool {
                line += bool ? "true" : "false"
            } else if convertible is any BinaryInteger {
                line += convertible.description
            } else if let double = convertible as? Double, double.isFinite {
                line += "\(double)"
            } else if let float = convertible as? Float, float.isFinite {
                line += "\(float)"
            } else {
                JSONString.append(convertible.description, to: &line)
            }
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                appendJSON(element, to: &line)
            }
            line += "]"
        case .dictionary(let dictionary):
            line += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                JSONString.append(key, to: &line)
                line += ":"
                appendJSON(dictionary[key]!, to: &line)
            }
            line += "}"
        }
    }
}
