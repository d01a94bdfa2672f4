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
    /// The csv values: every field, machine-readable, in the order of the kind's `csvHeader`.
    var csv: [String]
    /// Columns for the table: the fields a person scans, human-readable.
    var table: [(String, String)]
}

/// Prints records in a format as they come, page by page, so an answer of any size takes one
/// page of memory: a json array is opened before its first element and closed by `finish`, a
/// table's columns are as wide as the first page needs and widen when a later page needs more.
struct OutputPrinter {
    var format: OutputFormat
    /// The csv header row, printed even when nothing matches.
    var csvHeader: [String]
    /// The table's answer when nothing matches.
    var emptyMessage: String
    /// Where text goes; standard output by default.
    var write: (String) -> Void = { Swift.print($0, terminator: "") }

    private var printed = 0
    private var widths: [Int] = []

    init(format: OutputFormat, csvHeader: [String], emptyMessage: String) {
        self.format = format
        self.csvHeader = csvHeader
        self.emptyMessage = emptyMessage
    }

    /// Prints a whole answer.
    mutating func print(_ records: [OutputRecord]) {
        print(page: records)
        finish()
    }

    /// Prints the next records of the answer.
    mutating func print(page records: [OutputRecord]) {
        guard !records.isEmpty else { return }
        var text = ""
        switch format {
        case .json:
            for record in records {
                text += printed == 0 ? "[" : ","
                record.json.write(to: &text)
                printed += 1
            }
        case .ndjson:
            for record in records { text += record.json.text + "\n" }
        case .csv:
            if printed == 0 { text += Self.csvLine(csvHeader) }
            for record in records {
                // A record of another shape than its header is a bug in Records, not bad input.
                precondition(record.csv.count == csvHeader.count, "a csv row of \(record.csv.count) fields under \(csvHeader.count) headers")
                text += Self.csvLine(record.csv)
            }
        case .table:
            let rows = records.map { $0.table.map(\.1) }
            if printed == 0 { widths = records[0].table.map { $0.0.count } }
            for row in rows {
                for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
            }
            if printed == 0 { text += Self.line(records[0].table.map(\.0), widths) }
            for row in rows { text += Self.line(row, widths) }
        }
        if format != .json { printed += records.count }
        write(text)
    }

    /// Ends the answer: closes a json array, or says that nothing matched.
    mutating func finish() {
        switch format {
        case .json: write(printed == 0 ? "[]\n" : "]\n")
        case .ndjson: break
        case .csv: if printed == 0 { write(Self.csvLine(csvHeader)) }
        case .table: if printed == 0 { write(emptyMessage + "\n") }
        }
    }

    private static func csvLine(_ fields: [String]) -> String { fields.map(csvField).joined(separator: ",") + "\n" }

    /// Left-aligned columns separated by two spaces, the last one not padded.
    private static func line(_ cells: [String], _ widths: [Int]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 || index >= widths.count ? cell : cell + String(repeating: " ", count: max(0, widths[index] - cell.count))
        }.joined(separator: "  ") + "\n"
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
