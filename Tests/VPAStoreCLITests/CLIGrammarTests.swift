import Foundation
import Testing

extension ProcessTests {
    /// One grammar in every query: `-n/--namespace NS` with `--pod NAME`, or `--pod NS/NAME`; times
    /// as RFC 3339, a date, or how long ago; csv headers and json arrays even when nothing matches;
    /// human units in every table.
    struct CLIGrammarTests {
        /// The README's examples, ingested at their times on 2026-11-02.
        static func examples(_ cli: CommandRunner, through last: Int = 9) throws {
            let files = ["01-pods.json", "02-resize-deferred.yaml", "03-resize-in-progress.yaml", "04-resize-done.yaml",
                         "05-oom-killed.yaml", "06-evicted-events.json", "07-watch.json", "08-vpa.yaml", "09-pod-metrics.json"]
            for (index, file) in files.prefix(last).enumerated() {
                _ = try cli.succeed("ingest", "--at", "2026-11-02T09:\(10 + index):00Z", CommandRunner.example(file))
            }
        }

        @Test func everyQueryReadsThePodTheSameWay() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try Self.examples(cli)
            let spellings = [["--pod", "shop/web-7d9c5-fghij"], ["-n", "shop", "--pod", "web-7d9c5-fghij"],
                             ["--namespace", "shop", "--pod", "web-7d9c5-fghij"], ["--pod", "web-7d9c5-fghij"]]
            for query in [["query", "resources"], ["query", "ooms"], ["query", "events"], ["query", "timeline"],
                          ["query", "resizes", "--state", "none"]] {
                let answers = try spellings.map { try cli.json(query + $0) }
                #expect(!answers[0].isEmpty || query.contains("resizes"), "\(query) found nothing for shop/web-7d9c5-fghij")
                for (spelling, answer) in zip(spellings, answers) {
                    #expect(answer.count == answers[0].count, "\(query + spelling) gave \(answer.count) rows, not \(answers[0].count)")
                    for row in answer {
                        let pod = row["pod"] as? String
                        #expect(pod == "web-7d9c5-fghij" || pod == "shop/web-7d9c5-fghij", "\(query + spelling) answered \(row)")
                    }
                }
            }
            // Another namespace holds no such pod: an empty answer, not the pod of another namespace.
            #expect(try cli.json(["query", "resources", "-n", "other", "--pod", "web-7d9c5-fghij"]).isEmpty)
            #expect(try cli.json(["query", "events", "-n", "other", "--pod", "web-7d9c5-fghij"]).isEmpty)
            // A namespace alone narrows events too.
            let shop = try cli.json(["query", "events", "-n", "shop", "--limit", "0"])
            #expect(!shop.isEmpty)
        }

        @Test func aSelectorThatCannotBeReadIsRefusedSayingHow() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try Self.examples(cli, through: 1)
            for (arguments, words) in [(["query", "resources", "-n", "other", "--pod", "shop/web"], "two namespaces"),
                                       (["query", "ooms", "--pod", "a/b/c"], "NAMESPACE/NAME"),
                                       (["query", "events", "--pod", "shop/"], "NAMESPACE/NAME"),
                                       (["query", "timeline"], "--pod"),
                                       (["query", "events", "--pod", "shop/web", "--vpa", "shop/web"], "not both")] {
                let result = try cli.run(arguments)
                #expect(result.status != 0, "\(arguments) was accepted")
                #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
            }
        }

        @Test func timesMayBeADateOrHowLongAgo() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try Self.examples(cli, through: 1)  // two pods (three containers, three events) at 2026-11-02T09:10:00Z
            // A date alone is midnight UTC.
            #expect(try cli.json(["query", "resources", "--at", "2026-11-02"]).isEmpty)
            #expect(try cli.json(["query", "resources", "--at", "2026-11-03"]).count == 3)
            #expect(try cli.json(["query", "events", "--since", "2026-11-02"]).count == 3)
            #expect(try cli.json(["query", "events", "--since", "2026-11-03"]).isEmpty)
            // How long ago: pods observed now (no --at) are within the last 2h and after 30m ago.
            let recent = Workspace()
            _ = try recent.runner.succeed("ingest", CommandRunner.example("01-pods.json"))
            #expect(try recent.runner.json(["query", "events", "--since", "2h"]).count == 3)
            #expect(try recent.runner.json(["query", "events", "--until", "30m"]).isEmpty)
            #expect(try recent.runner.json(["query", "events", "--since", "1d12h", "--until", "0s"]).count == 3)
            #expect(try recent.runner.json(["query", "events", "--since", "2026-11-02", "--until", "2026-11-03"]).isEmpty)
            let bad = try cli.run("query", "events", "--since", "yesterday")
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("yesterday") && bad.stderr.contains("2h"), "\(bad.stderr)")
        }

        @Test func anEmptyAnswerStillHasItsCSVHeaderAndJSONArray() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try Self.examples(cli, through: 1)
            for (query, header) in [(["query", "ooms"], "namespace,pod,podUID,container,at,"),
                                    (["query", "events", "--type", "OomKilled"], "position,type,occurredAt,recordedAt,pod,vpa,"),
                                    (["query", "resources", "--pod", "nobody"], "namespace,pod,podUID,container,"),
                                    (["query", "resizes"], "namespace,pod,podUID,state,"),
                                    (["query", "vpas"], "namespace,name,targetKind,"),
                                    (["query", "vpas", "--history"], "namespace,name,at,position,recommender,container,")] {
                let csv = try cli.output(query + ["--format", "csv"])
                #expect(csv.hasPrefix(header) && csv.split(separator: "\n").count == 1, "\(query): \(csv)")
                #expect(try cli.output(query + ["--format", "json"]) == "[]\n", "\(query)")
                #expect(try cli.output(query + ["--format", "ndjson"]) == "", "\(query)")
            }
            // A csv answer's header has as many fields as each row.
            let rows = try cli.succeed("query", "events", "--format", "csv").split(separator: "\n")
            #expect(rows.count == 4)
            #expect(rows[0] == "position,type,occurredAt,recordedAt,pod,vpa,causedBy,summary")
        }

        @Test func theTimelineTakesAFormat() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try Self.examples(cli)
            let events = try cli.succeed("query", "events", "--pod", "shop/web-7d9c5-abcde", "--limit", "0", "--format", "ndjson")
            #expect(try cli.succeed("query", "timeline", "--pod", "shop/web-7d9c5-abcde", "--format", "ndjson") == events)
            let csv = try cli.succeed("query", "timeline", "--pod", "shop/web-7d9c5-abcde", "--format", "csv")
            #expect(csv.hasPrefix("position,type,"))
            #expect(csv.split(separator: "\n").count == events.split(separator: "\n").count + 1)
            let story = try cli.succeed("query", "timeline", "-n", "shop", "--pod", "web-7d9c5-abcde")
            #expect(story.hasPrefix("pod shop/web-7d9c5-abcde"))
            // A pod with no events is an error whatever the format, after the header a script expects.
            let missing = try cli.run("query", "timeline", "--pod", "shop/nobody", "--format", "csv")
            #expect(missing.status != 0)
            #expect(missing.stdout.hasPrefix("position,type,"))
            #expect(missing.stderr.contains("no events for pod shop/nobody"))
        }

        /// `vpa-store demo` found through `$PATH` from a directory without the binaries: its siblings are
        /// looked up next to the running executable, not from argv[0] against the working directory.
        /// One simulated minute is the shortest demo, and it starts all five processes.
        @Test func theDemoStartedThroughPATHFindsTheOtherBinaries() throws {
            let workspace = Workspace()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["vpa-store", "demo", "--db", workspace.directory.appendingPathComponent("demo.db").path,
                                 "--duration", "1m", "--speed", "20000"]
            process.currentDirectoryURL = workspace.directory
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = try CommandRunner.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            process.environment = environment
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            try? out.fileHandleForReading.close()
            try? err.fileHandleForReading.close()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "the demo through $PATH failed:\n\(stdout)\n\(stderr)")
            #expect(!stderr.contains("is missing"), "\(stderr)")
            for line in ["server: ", "simulated cluster: ", "audit it from the log:"] {
                #expect(stdout.contains(line), "no \"\(line)\" in:\n\(stdout)")
            }
        }

        @Test func everyTableShowsMemoryInBinaryUnits() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            try Self.examples(cli)
            // 09-pod-metrics.json: usage 301948Ki = 294.9Mi; csv and json keep the bytes.
            let table = try cli.succeed("query", "events", "--type", "UsageSampled")
            #expect(table.contains("memory 295Mi"), "\(table)")
            #expect(!table.contains("301948Ki"))
            let timeline = try cli.succeed("query", "timeline", "--pod", "shop/web-7d9c5-abcde")
            #expect(timeline.contains("memory 295Mi"), "\(timeline)")
            let json = try cli.json(["query", "events", "--type", "UsageSampled", "--pod", "shop/web-7d9c5-abcde"])
            let containers = (json.first?["body"] as? [String: Any])?["containers"] as? [[String: Any]]
            #expect(containers?.first?["memoryBytes"] as? Int == 301948 * 1024)
            // No table prints a byte count of a memory quantity: every number of seven digits or more is a
            // position, a time or a uid, never memory.
            for query in [["query", "events", "--limit", "0"], ["query", "resources"], ["query", "ooms"], ["query", "vpas"]] {
                let text = try cli.output(query)
                let bytes = text.split(whereSeparator: { " ,;:/[]()".contains($0) || $0.isNewline })
                    .filter { $0.count >= 7 && $0.allSatisfy(\.isNumber) }
                #expect(bytes.isEmpty, "\(query) printed \(bytes)")
            }
        }
    }
}

extension CommandRunner {
    /// The standard output of a command that must succeed (`succeed` with the arguments as an array).
    func output(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "vpa-store \(arguments.joined(separator: " ")) failed: \(result.stderr)",
                sourceLocation: sourceLocation)
        return result.stdout
    }
}
