import Foundation
import Testing

extension ProcessTests {
    /// `query events` prints as it reads: a page of memory whatever the limit, and a line saying
    /// where to continue when more events match than the limit let through.
    struct QueryStreamingTests {
        /// The standard error line that says where to continue, and its position.
        static func continuation(_ stderr: String) -> Int? {
            guard let line = stderr.split(separator: "\n").last(where: { $0.hasPrefix("more events match:") }),
                  let range = line.range(of: "--from-position ") else { return nil }
            return Int(line[range.upperBound...].prefix(while: \.isNumber))
        }

        @Test(arguments: [false, true])
        func aLimitedAnswerSaysWhereToContinueAndTheRestFollowsFromThere(throughServer: Bool) throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let server = throughServer ? try ServeCommandTests.ServeProcess(cli) : nil
            defer { _ = server?.stop() }
            let via = server.map { ["--server", $0.address] } ?? []
            for (index, file) in ["01-pods.json", "02-resize-deferred.yaml", "05-oom-killed.yaml", "09-pod-metrics.json"].enumerated() {
                _ = try cli.output(["ingest", "--at", "2026-11-02T09:0\(index):00Z", CommandRunner.example(file)] + via)
            }
            let all = try cli.run(["query", "events", "--all", "--format", "ndjson"] + via)
            #expect(all.status == 0, "\(all.stderr)")
            #expect(Self.continuation(all.stderr) == nil, "a complete answer asked to continue: \(all.stderr)")
            let lines = all.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count > 6)
            #expect(try cli.output(["query", "events", "--limit", "0", "--format", "ndjson"] + via) == all.stdout)

            // Pages of 3, each continued where the last said, give the whole answer.
            var pages = ""
            var from = 1
            var calls = 0
            while calls <= lines.count {
                calls += 1
                let page = try cli.run(["query", "events", "--limit", "3", "--from-position", "\(from)", "--format", "ndjson"] + via)
                #expect(page.status == 0, "\(page.stderr)")
                pages += page.stdout
                guard let next = Self.continuation(page.stderr) else { break }
                #expect(page.stdout.split(separator: "\n").count == 3)
                #expect(next > from)
                from = next
            }
            #expect(pages == all.stdout)
            #expect(calls == (lines.count + 2) / 3, "\(calls) pages of 3 for \(lines.count) events")

            // Exactly the limit: nothing more to say.
            let exact = try cli.run(["query", "events", "--limit", "\(lines.count)"] + via)
            #expect(Self.continuation(exact.stderr) == nil, "\(exact.stderr)")
            let short = try cli.run(["query", "events", "--limit", "\(lines.count - 1)"] + via)
            #expect(Self.continuation(short.stderr) != nil, "\(short.stderr)")
            // A filter the log read cannot do (a pod name in any namespace) continues the same way.
            let pod = try cli.run(["query", "events", "--pod", "web-7d9c5-abcde", "--limit", "1", "--format", "ndjson"] + via)
            #expect(pod.stdout.split(separator: "\n").count == 1)
            #expect(Self.continuation(pod.stderr) != nil, "\(pod.stderr)")
            let negative = try cli.run(["query", "events", "--limit", "-1"] + via)
            #expect(negative.status != 0)
            #expect(negative.stderr.contains("--limit"))
        }

        /// 20,000 observations: read whole, the answer grows the process by what it maps of the
        /// database file, not by the answer (which would be hundreds of megabytes held at once).
        @Test func readingTheWholeLogTakesAPageOfMemory() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let containers = (0..<5).map { #"{"name": "c\#($0)", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}"# }
                .joined(separator: ",")
            let pods = (0..<20_000).map {
                #"{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p-\#($0)", "namespace": "big", "uid": "u-\#($0)"}, "spec": {"containers": [\#(containers)]}, "status": {"phase": "Running"}}"#
            }
            let input = try workspace.write("pods.json", #"{"kind": "PodList", "apiVersion": "v1", "items": ["# + pods.joined(separator: ",\n") + "]}")
            _ = try cli.output(["ingest", "--at", "2026-11-02T09:00:00Z", input])

            /// The peak resident memory (KiB) of `query events` with `arguments`, and the bytes it printed.
            func peak(_ arguments: String) throws -> (kibibytes: Int, printed: Int) {
                let output = workspace.directory.appendingPathComponent("out.ndjson").path
                let result = try cli.run(CommandRunner.shell, ["-c", "/usr/bin/time -f %M '\(try CommandRunner.binary.path)' query events "
                                                                + "\(arguments) --format ndjson > '\(output)'"])
                #expect(result.status == 0, "\(result.stderr)")
                let kibibytes = Int(result.stderr.split(separator: "\n").last ?? "") ?? 0
                let printed = (try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
                return (kibibytes, printed)
            }
            let page = try peak("--limit 1000")
            let whole = try peak("--all")
            let database = (try FileManager.default.attributesOfItem(atPath: workspace.database)[.size] as? Int) ?? 0
            #expect(whole.printed > 20 * page.printed - page.printed)
            #expect(page.kibibytes > 0 && whole.kibibytes > 0)
            // The file is mapped (mmap_size), so reading all of it may add its size; holding the answer
            // would add many times what was printed.
            let growth = (whole.kibibytes - page.kibibytes) * 1024
            #expect(growth < database + whole.printed / 2,
                    "reading all grew the peak by \(growth) bytes; the database is \(database), the answer \(whole.printed)")
        }
    }
}

extension CommandRunner {
    /// `/bin/sh`, for a measurement wrapped around a command.
    static let shell = URL(fileURLWithPath: "/bin/sh")
}
