import DaemonSupport
import Foundation
import Logging
import Testing
import VPAModel

/// `--log-format text|json`: the handler every long-running command bootstraps, fed records in
/// memory (no global bootstrap), then `serve` as a process.
struct LogFormatTests {
    /// The lines a handler wrote.
    final class Lines: @unchecked Sendable {
        // @unchecked: every access to `stored` holds `lock`.
        private let lock = NSLock()
        private var stored: [String] = []

        var all: [String] { lock.withLock { stored } }
        func append(_ line: String) { lock.withLock { stored.append(line) } }
    }

    static let time = Timestamp(unixMilliseconds: 1_793_610_000_000)  // 2026-11-02T09:00:00Z

    func logger(_ format: LogFormat) -> (Logger, Lines) {
        let lines = Lines()
        let logger = Logger(label: "vpa-store.test") { label in
            LineLogHandler(label: label, format: format, level: .trace, output: LogOutput { lines.append($0) },
                           metadataProvider: nil, clock: { Self.time })
        }
        return (logger, lines)
    }

    @Test func textQuotesAValueOnlyWhenItMust() throws {
        let (logger, lines) = logger(.text)
        logger.info("Ingested", metadata: ["rpc.peer": "a b", "plain": "x", "empty": "", "quote": "say \"hi\"", "equals": "a=b",
                                           "count": .stringConvertible(3), "path": "C:\\dir"])
        #expect(lines.all == [
            #"2026-11-02T09:00:00.000Z info vpa-store.test: Ingested count=3 empty="" equals="a=b" path="C:\\dir" plain=x "#
                + #"quote="say \"hi\"" rpc.peer="a b""#,
        ])
    }

    @Test func textKeepsEveryRecordOnOneLine() throws {
        let (logger, lines) = logger(.text)
        logger.warning("first line\nsecond line\r\u{2028}", metadata: ["error": "line one\nline two", "tab": "a\tb",
                                                                        "nested": ["inner": "x y", "list": ["a", "b c"]]])
        let all = lines.all
        #expect(all.count == 1)
        let line = try #require(all.first)
        #expect(!line.contains("\n") && !line.contains("\r") && !line.unicodeScalars.contains("\u{2028}"))
        #expect(line == #"2026-11-02T09:00:00.000Z warning vpa-store.test: first line\nsecond line\r\u2028 error="line one\nline two" "#
                + #"nested.inner="x y" nested.list="[\"a\",\"b c\"]" tab="a\tb""#)
    }

    @Test func jsonIsOneObjectPerLineWithTheRecordsKeys() throws {
        let (logger, lines) = logger(.json)
        let message = "quote \" backslash \\ newline \n control \u{1} unicode é ✓"
        logger.error("\(message)", metadata: [
            "rpc.peer": "127.0.0.1:5000", "count": .stringConvertible(42), "ratio": .stringConvertible(0.5),
            "flag": .stringConvertible(true), "msg": "a key the record uses", "nested": ["inner": ["deep": "x"], "list": ["a", .stringConvertible(2)]],
        ])
        logger.debug("second")
        let all = lines.all
        #expect(all.count == 2)
        let first = try #require(all.first)
        #expect(!first.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["ts"] as? String == "2026-11-02T09:00:00.000Z")
        #expect(object["level"] as? String == "error")
        #expect(object["label"] as? String == "vpa-store.test")
        #expect(object["msg"] as? String == message)
        #expect(object["metadata.msg"] as? String == "a key the record uses")
        #expect(object["rpc.peer"] as? String == "127.0.0.1:5000")
        #expect((object["count"] as? NSNumber)?.intValue == 42 && !(object["count"] is String))
        #expect((object["ratio"] as? NSNumber)?.doubleValue == 0.5)
        #expect(object["flag"] as? Bool == true)
        let nested = try #require(object["nested"] as? [String: Any])
        #expect((nested["inner"] as? [String: Any])?["deep"] as? String == "x")
        #expect((nested["list"] as? [Any])?.count == 2)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(all[1].utf8)) as? [String: Any])
        #expect(Set(second.keys) == ["ts", "level", "label", "msg"])
    }

    struct Broken: Error, CustomStringConvertible { var description: String { "it broke" } }

    /// A thrown error given to the logger becomes metadata, as swift-log's own handler names it.
    @Test func anErrorIsMetadata() throws {
        let (logger, lines) = logger(.text)
        logger.error("Failed", error: Broken())
        #expect(lines.all.first?.hasSuffix(#"Failed error.message="it broke" error.type=VPAStoreCLITests.LogFormatTests.Broken"#) == true,
                "\(lines.all)")
    }
}

extension ProcessTests {
    /// `--log-format` on the binaries, and `serve`'s log as a log pipeline reads it.
    struct LogFormatProcessTests {
        /// Every long-running command takes `--log-format` next to `--log-level`, and refuses another value.
        @Test func everyLongRunningCommandTakesTheFlag() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            for command in ["serve", "feed", "simulate"] {
                let help = try cli.run([command, "--help"])
                #expect(help.stdout.contains("--log-format") && help.stdout.contains("--log-level"), "vpa-store \(command) --help")
            }
            for daemon in ["vpa-recommender", "vpa-updater"] {
                let help = try cli.run(try CommandRunner.binary(named: daemon), ["--help"])
                #expect(help.stdout.contains("--log-format") && help.stdout.contains("--log-level"), "\(daemon) --help")
            }
            let refused = try cli.run(["serve", "--listen", "127.0.0.1:0", "--log-format", "xml"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--log-format") && refused.stderr.contains("text") && refused.stderr.contains("json"),
                    "\(refused.stderr)")
        }

        /// `serve --log-format json`: every line of standard error is a JSON object with ts, level,
        /// label and msg, and each Ingest call leaves one info line with its counts.
        @Test func serveLogsJSONAndOneLinePerIngest() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let server = try ServeCommandTests.ServeProcess(cli, ["--log-level", "info", "--log-format", "json"])
            _ = try cli.succeed("ingest", "--server", server.address, "--at", "2026-11-02T09:00:00Z", CommandRunner.example("01-pods.json"))
            _ = try cli.succeed("ingest", "--server", server.address, "--at", "2026-11-02T09:02:00Z",
                            CommandRunner.example("02-resize-deferred.yaml"))
            let (status, stderr) = server.stop()
            #expect(status == 0)
            let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.count >= 4, "\(stderr)")
            var objects: [[String: Any]] = []
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object != nil, "not a JSON object: \(line)")
                guard let object else { continue }
                for key in ["ts", "level", "label", "msg"] { #expect(object[key] is String, "\(key) missing in \(line)") }
                #expect((object["ts"] as? String).map { (try? Timestamp(rfc3339: $0)) != nil && $0.count == 24 } == true, "\(line)")
                objects.append(object)
            }
            let ingests = objects.filter { $0["msg"] as? String == "Ingested" }
            #expect(ingests.count == 2, "\(stderr)")
            let first = try #require(ingests.first)
            #expect(first["level"] as? String == "info" && first["label"] as? String == "vpa-store.serve")
            #expect((first["ingest.observations"] as? NSNumber)?.intValue == 2)
            #expect((first["ingest.events_appended"] as? NSNumber)?.intValue == 3)
            #expect((first["store.head"] as? NSNumber)?.intValue == 3)
            #expect((ingests.last?["store.head"] as? NSNumber)?.intValue == 5)
            #expect(first["write.duration_ms"] is NSNumber && first["write.replayed"] as? Bool == false)
            #expect((first["rpc.peer"] as? String)?.contains("127.0.0.1") == true)
        }

        /// `serve --log-format text`: a value with spaces (a refused handshake's status) is quoted, and
        /// the ingest line reads as key=value.
        @Test func serveTextQuotesValuesWithSpaces() throws {
            let workspace = Workspace()
            let cli = workspace.runner
            let token = try workspace.write("token", "s3cret\n")
            let server = try ServeCommandTests.ServeProcess(cli, ["--log-level", "info", "--log-format", "text", "--token-file", token])
            let refused = try cli.run(["query", "resources", "--server", server.address])
            #expect(refused.status != 0)
            _ = try cli.succeed("ingest", "--server", server.address, "--token-file", token, "--at", "2026-11-02T09:00:00Z",
                            CommandRunner.example("01-pods.json"))
            let (_, stderr) = server.stop()
            let lines = stderr.split(separator: "\n").map(String.init)
            let refusal = try #require(lines.first { $0.contains("Refused handshake") }, "\(stderr)")
            #expect(refusal.contains(#"rpc.status=""#), "\(refusal)")
            let ingest = try #require(lines.first { $0.contains(" vpa-store.serve: Ingested ") }, "\(stderr)")
            #expect(ingest.contains(" info ") && ingest.contains(" ingest.events_appended=3 ") && ingest.contains(" store.head=3 "),
                    "\(ingest)")
        }
    }
}
