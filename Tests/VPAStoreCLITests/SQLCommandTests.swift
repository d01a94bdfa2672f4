import Foundation
import Testing

extension ProcessTests {
    /// `vpa-store sql`: the event bodies as JSON through SQL, read-only, on the README tour's data.
    struct SQLCommandTests {
        typealias Views = ReadableViewsProcessTests

        @Test func eventsJSONCarriesEachBodyAsQueryEventsPrintsIt() throws {
            let workspace = try Views.tourDatabase()
            let runner = workspace.runner
            let rows = try runner.json(["sql", "SELECT position, type, namespace, name, body FROM events_json ORDER BY position"])
            let events = try runner.json(["query", "events", "--all"])
            #expect(rows.count == events.count && !rows.isEmpty)
            for (row, event) in zip(rows, events) {
                #expect(row["position"] as? Int == event["position"] as? Int)
                #expect(row["type"] as? String == event["type"] as? String)
                // The same body, as the same JSON object.
                let body = try #require(row["body"] as? [String: Any], "\(row)")
                let printed = try #require(event["body"] as? [String: Any])
                #expect(try Self.canonical(body) == Self.canonical(printed), "position \(row["position"] ?? "?")")
            }
            // body_json works in any statement, and the kill's memory is in it.
            let kills = try runner.json(["sql", "SELECT body_json(type, body) AS body FROM events WHERE type = 4"])
            #expect(!kills.isEmpty && kills.allSatisfy { ($0["body"] as? [String: Any])?["memoryLimitBytes"] != nil }, "\(kills)")
        }

        /// JSON text with sorted keys, to compare two parsed objects.
        static func canonical(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }

        @Test func writesAndSecondStatementsAreRefusedAndTheFileKeepsNoView() throws {
            let workspace = try Views.tourDatabase()
            let runner = workspace.runner
            let before = try Views.sqlite(workspace.database, "SELECT count(*) AS n FROM events")
            for (statement, message) in [("DELETE FROM events", "only statements that read are run here"),
                                         ("CREATE TABLE x (a)", "only statements that read are run here"),
                                         ("SELECT 1; DELETE FROM events", "give one statement"),
                                         ("SELEC 1", "the SQL is not valid: near \"SELEC\": syntax error")] {
                let result = try runner.run(["sql", statement])
                #expect(result.status != 0 && result.stderr.contains(message), "\(statement): \(result.stderr)")
            }
            #expect(try Views.sqlite(workspace.database, "SELECT count(*) AS n FROM events") .first?["n"] as? Int
                    == before.first?["n"] as? Int)
            // events_json is this command's only: the plain shell's schema has no such view.
            #expect(try Views.sqlite(workspace.database, "SELECT name FROM sqlite_master WHERE name = 'events_json'").isEmpty)
            let table = try runner.succeed("sql", "SELECT type, count(*) AS n FROM events_readable GROUP BY type ORDER BY type")
            let lines = table.split(separator: "\n")
            #expect(lines.first?.hasPrefix("type") == true && lines.count > 2)
            // Aligned: every row's count starts in the same column.
            #expect(Set(lines.map { $0.count - $0.drop { $0 != " " }.drop { $0 == " " }.count }).count == 1, "\(table)")
        }
    }
}
