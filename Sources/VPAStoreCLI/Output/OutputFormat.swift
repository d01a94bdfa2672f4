import ArgumentParser

/// How `query` prints its answer.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns for a person.
    case table
    /// One JSON array.
    case json
    /// One JSON object per line.
    case ndjson
    /// Comma-separated values with a header row.
    case csv
}

/// One answer row in the three shapes a query can print.
struct OutputRecord {
    /// The JSON object (json and ndjson).
    var json: JSONOutput
    /// Columns for csv: every field, machine-readable.
    var csv: [(String, String)]
    /// Columns for the table: the fields a person scans, human-readable.
    var table: [(String, String)]
}

/// Prints records in a format.
struct OutputPrinter {
    var format: OutputFormat
    /// Where text goes; standard output by default, captured in tests.
    var write: (String) -> Void = { Swift.print($0, terminator: "") }

    func print(_ records: [OutputRecord], emptyMessage: String) {
        switch format {
        case .json:
            write(JSONOutput.array(records.map(\.json)).text + "\n")
        case .ndjson:
            for record in records { write(record.json.text + "\n") }
        case .csv:
            guard let first = records.first else { return }
            write(first.csv.map { Self.csvField($0.0) }.joined(separator: ",") + "\n")
            for record in records { write(record.csv.map { Self.csvField($0.1) }.joined(separator: ",") + "\n") }
        case .table:
            guard let first = records.first else {
                write(emptyMessage + "\n")
                return
            }
            let headers = first.table.map(\.0)
            let rows = records.map { $0.table.map(\.1) }
            write(Self.table(headers: headers, rows: rows))
        }
    }

    /// Left-aligned columns separated by two spaces, the last one not padded.
    static func table(headers: [String], rows: [[String]]) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ") + "\n"
        }
        return line(headers) + rows.map(line).joined()
    }

    /// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var quoted = ""
        for character in text {
            if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
        }
        return "\"" + quoted + "\""
    }
}
