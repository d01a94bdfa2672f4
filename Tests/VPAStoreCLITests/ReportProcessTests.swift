import Foundation
import Testing
import VPAStoreTestSupport

extension ProcessTests {
    /// Issue 12: `vpa-store report` as a user runs it, on a database built from the README tour.
    struct ReportProcessTests {
        @Test func theBinaryDrawsTheTourWorkloadWithEveryOOMKillTheQueryLists() throws {
            let workspace = try ReadableViewsProcessTests.tourDatabase()
            let cli = workspace.runner
            let out = workspace.directory.appendingPathComponent("web.html").path
            let printed = try cli.succeed("report", "--workload", "shop/Deployment/web", "--out", out)
            #expect(printed.hasPrefix("wrote \(out): 2 pods, "), "\(printed)")
            let html = try String(contentsOfFile: out, encoding: .utf8)
            let page = try XMLNode.parse(html)
            // Self-contained: nothing is fetched, nothing runs.
            #expect(page.all("script").isEmpty && page.all("link").isEmpty && page.all("img").isEmpty)
            let stripped = html.replacingOccurrences(of: "http://www.w3.org/", with: "")
            #expect(!stripped.contains("http://") && !stripped.contains("https://"))
            let lanes = page.all("svg", class: "lane")
            #expect(Set(lanes.compactMap { $0.attributes["data-resource"] }) == ["cpu", "memory"])
            // Every OOM kill `query ooms` lists is one mark in its container's memory lane, titled with its position.
            let kills = try cli.json("query", "ooms")
            #expect(!kills.isEmpty)
            for kill in kills {
                let pod = "\(kill["namespace"] as? String ?? "")/\(kill["pod"] as? String ?? "")"
                let position = (kill["position"] as? NSNumber)?.int64Value ?? -1
                let lane = try #require(lanes.first {
                    $0.attributes["data-pod"] == pod && $0.attributes["data-container"] == kill["container"] as? String
                        && $0.attributes["data-resource"] == "memory"
                })
                let marks = lane.all("g", class: "oom").filter { $0.attributes["data-position"] == "\(position)" }
                #expect(marks.count == 1, "\(pod) #\(position)")
                #expect(marks.first?.title?.hasPrefix("#\(position) OomKilled: OOM kill (\(kill["kind"] as? String ?? "")) of ") == true)
                #expect(marks.first?.title?.contains("vpa-store query events --from-position \(position)") == true)
            }
            // The deferred-then-in-progress resize of the tour, as spans by state with its initiator.
            #expect(lanes.contains { !$0.all("g", class: "resize-pending_deferred").isEmpty })
            #expect(lanes.contains { !$0.all("g", class: "resize-in_progress").isEmpty })
            #expect(lanes.allSatisfy { $0.all("g", class: "span").allSatisfy { $0.attributes["data-initiator"] == "manual" } })
        }

        @Test func throughTheServerTheReportDrawsTheSamePage() throws {
            let workspace = try ReadableViewsProcessTests.tourDatabase()
            let cli = workspace.runner
            let fromFile = try cli.succeed("report", "--pod", "shop/web-7d9c5-fghij")
            let server = try ServeCommandTests.ServeProcess(cli)
            let fromServer = try cli.succeed("report", "--pod", "shop/web-7d9c5-fghij", "--server", server.address)
            #expect(server.stop().0 == 0)
            // Everything but the line that says where and when it was read.
            func drawing(_ html: String) -> String {
                html.split(separator: "\n").map { line in
                    line.replacingOccurrences(of: #"<p class="meta">(Read|From)[^<]*</p>"#, with: "", options: .regularExpression)
                }.joined(separator: "\n")
            }
            #expect(fromFile.contains("<svg") && drawing(fromFile) == drawing(fromServer))
        }

        @Test func wrongSubjectsAreRefusedAndAnEmptyOneSaysSo() throws {
            let workspace = try ReadableViewsProcessTests.tourDatabase()
            let cli = workspace.runner
            let noSubject = try cli.run("report")
            #expect(noSubject.status != 0 && noSubject.stderr.contains("what to draw? give --pod NAMESPACE/NAME"))
            let badKind = try cli.run("report", "--workload", "shop/Dep/web")
            #expect(badKind.status != 0 && badKind.stderr.contains("unknown kind \"Dep\""))
            let backwards = try cli.run("report", "-n", "shop", "--since", "2026-11-02T10:00:00Z", "--until", "2026-11-02T09:00:00Z")
            #expect(backwards.status != 0 && backwards.stderr.contains("is not after --since"))
            let out = workspace.directory.appendingPathComponent("empty.html").path
            let empty = try cli.succeed("report", "--pod", "shop/not-there", "--out", out)
            #expect(empty.contains("nothing to draw"))
            #expect(try XMLNode.parse(String(contentsOfFile: out, encoding: .utf8)).all("p", class: "empty").count == 1)
        }
    }
}
