import Foundation
import Testing

extension ProcessTests {
    /// A VPA's events name it: `"vpa"` on recommendations and checkpoints, `query events --vpa`,
    /// and `query vpas --history` with every recommendation published.
    struct CLIGrammarVPATests {
        @Test func recommendationsNameTheirVPAAndTheHistoryListsEachOne() throws {
            let cluster = try AutoscalerProcessTests.Cluster(mode: "InPlaceOrRecreate")
            let cli = cluster.cli
            let server = ["--server", cluster.server.address]
            let published = try cli.json(["query", "events", "--type", "RecommendationPublished"] + server)
            #expect(!published.isEmpty)
            for event in published {
                #expect(event["vpa"] as? String == "shop/web", "\(event)")
                #expect(event["pod"] as? String == "")
            }
            // --vpa in each spelling, through the server and from the file.
            let byVPA = try cli.json(["query", "events", "--vpa", "shop/web", "--limit", "0"] + server)
            let types = Set(byVPA.compactMap { $0["type"] as? String })
            #expect(types.isSuperset(of: ["VpaObserved", "RecommendationPublished"]), "\(types)")
            #expect(byVPA.allSatisfy { $0["vpa"] as? String == "shop/web" })
            for spelling in [["--vpa", "web"], ["-n", "shop", "--vpa", "web"]] {
                #expect(try cli.json(["query", "events", "--limit", "0"] + spelling + server).count == byVPA.count, "\(spelling)")
            }
            #expect(try cli.json(["query", "events", "--vpa", "shop/web", "--limit", "0"]).count == byVPA.count)
            #expect(try cli.json(["query", "events", "--vpa", "other/web"] + server).isEmpty)
            // The pod's stream is not the VPA's: --pod keeps pods only.
            #expect(try cli.json(["query", "events", "--pod", "shop/web", "--limit", "0"] + server).isEmpty)

            // The history: one row per container of each RecommendationPublished, with its time and position.
            let history = try cli.json(["query", "vpas", "--history"] + server)
            let containers = published.map { (($0["body"] as? [String: Any])?["containers"] as? [Any])?.count ?? 0 }.reduce(0, +)
            #expect(history.count == containers && containers > 0)
            for (row, event) in zip(history, published) {
                #expect(row["name"] as? String == "web" && row["namespace"] as? String == "shop")
                #expect(row["at"] as? String == event["occurredAt"] as? String)
                #expect(row["position"] as? Int == event["position"] as? Int)
                #expect(row["target"] is [String: Any])
            }
            #expect(try cli.json(["query", "vpas", "--history", "--vpa", "shop/other"] + server).isEmpty)
            #expect(try cli.json(["query", "vpas", "--history", "--since", "2026-11-04"] + server).isEmpty)
            let refused = try cli.run(["query", "vpas", "--since", "2h"] + server)
            #expect(refused.status != 0 && refused.stderr.contains("--history"), "\(refused.stderr)")

            // The tables: the VPA named, memory in binary units.
            let table = try cli.output(["query", "events", "--type", "RecommendationPublished"] + server)
            #expect(table.contains("vpa shop/web"), "\(table)")
            for query in [["query", "vpas"], ["query", "vpas", "--history"], ["query", "events", "--vpa", "shop/web"]] {
                let text = try cli.output(query + server)
                let bytes = text.split(whereSeparator: { " ,;:/[]()".contains($0) || $0.isNewline })
                    .filter { $0.count >= 7 && $0.allSatisfy(\.isNumber) }
                #expect(bytes.isEmpty, "\(query) printed \(bytes):\n\(text)")
            }
        }
    }
}
