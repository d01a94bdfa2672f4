/// JSON string literals (RFC 8259 §7), written the one way every JSON vpa-store prints needs: the
/// `--format json` answers, the `--log-format json` lines, the report's data.
public enum JSONString {
    /// Appends `string` as a quoted JSON string: `"`, `\` and every control character escaped
    /// (C0, DEL and C1, and U+2028/U+2029, which JavaScript treats as line ends).
    public static func append(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where isControl(scalar): appendUnicodeEscape(scalar, to: &output)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Whether `scalar` is one a JSON (or log) line must not carry as it is.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// `\uXXXX` for a scalar of the Basic Multilingual Plane.
    public static func appendUnicodeEscape(_ scalar: Unicode.Scalar, to output: inout String) {
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
