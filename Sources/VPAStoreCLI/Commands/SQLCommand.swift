import ArgumentParser
import EventStore
import Foundation
import VPAModel

/// `vpa-store sql`: one read-only SQL statement against the database, with the event bodies as
/// JSON (`body_json(type, body)` and the view `events_json`), which the plain `sqlite3` shell
/// cannot decode.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql", abstract: "Run one read-only SQL statement; event bodies as JSON through events_json.",
        discussion: """
            The views of migration 0008 (events_readable, resource_history_readable, …) and, here only, \
            events_json (events_readable with the body as JSON in `body`) and the function \
            body_json(type, body). Statements that would write are refused. Safe next to a running server.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    @Argument(help: "The statement, such as \"SELECT position, type, body FROM events_json WHERE type = 'OomKilled'\".")
    var statement: String

    func run() throws {
        let store = try database.openForReading()
        defer { store.close() }
        var names: [String] = []
        var printer: OutputPrinter?
        // A table's columns are as wide as their widest cell: its rows are printed together at the
        // end. The other formats stream.
        var tableRows: [OutputRecord] = []
        do {
            try store.runReadOnlySQL(statement, bodyJSON: { EventDescriptions.json($0).text },
                                     columns: { columns in
                                         names = columns
                                         printer = OutputPrinter(format: output.format, csvHeader: columns, emptyMessage: "no rows")
                                     },
                                     row: { cells in
                                         let record = Self.record(cells, names)
                                         if output.format == .table { tableRows.append(record) } else { printer?.print(page: [record]) }
                                     })
        } catch let error as SQLQueryError {
            throw CLIError("\(database.path): \(error)")
        }
        printer?.print(page: tableRows)
        printer?.finish()
    }

    /// A row in the three shapes: JSON keeps integers as numbers, NULL as null, and `body` (the
    /// JSON `events_json` and `body_json` give) as an object; csv and the table print text.
    static func record(_ cells: [SQLCell], _ names: [String]) -> OutputRecord {
        let texts = cells.map { cell -> String in
            switch cell {
            case .null: ""
            case .integer(let value): String(value)
            case .text(let text): text
            case .blob(let bytes): "x'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
            }
        }
        let json = zip(names, zip(cells, texts)).map { name, cell -> (String, JSONOutput) in
            switch cell.0 {
            case .null: (name, .null)
            case .integer(let value): (name, .int(value))
            case .text(let text) where name == "body" && (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil:
                (name, .raw(text))
            default: (name, .string(cell.1))
            }
        }
        return OutputRecord(json: .object(json), csv: texts, table: Array(zip(names, texts)))
    }
}
