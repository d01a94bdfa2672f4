/// Text and numbers written into the page: every text escaped for XML (so the page parses as XHTML
/// as well as HTML), every coordinate with one decimal.
enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, safe in element text and attribute values;
    /// control characters XML forbids become spaces.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    escaped += " "
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    /// `12.3`, `-0.5`, `100`: one decimal at most, no exponent (SVG path syntax).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        // Clamped: a coordinate from an extreme or negative amount must not trap Int64(_:); no
        // drawing is a billion pixels wide.
        let tenths = Int64((min(max(value, -1e9), 1e9) * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    /// A `<title>` element: what a browser shows on hovering its parent.
    static func title(_ text: String) -> String { "<title>\(escape(text))</title>" }
}
