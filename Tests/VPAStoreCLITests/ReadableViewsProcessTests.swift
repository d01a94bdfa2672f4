import Foundation
import Testing
import VPAModel

extension ProcessTests {
    /// Migration 0008's views read with the plain `sqlite3` shell, as an operator reads them, against
    /// what `vpa-store query` prints for the same database (the README tour's data).
    struct ReadableViewsProcessTests {
        static let tour = [("01-pods.json", "2026-11-02T09:00:00Z"), ("02-resize-deferred.yaml", "2026-11-02T09:02:00Z"),
                           ("03-resize-in-progress.yaml", "2026-11-02T09:09:00Z"), ("04-resize-done.yaml", "2026-11-02T09:15:00Z"),
                           ("05-oom-killed.yaml", "2026-11-02T09:42:00Z"), ("06-evicted-events.json", "2026-11-02T10:05:00Z"),
                           ("07-watch.json", "2026-11-02T10:10:00Z"), ("08-vpa.yaml", "2026-11-02T10:11:00Z"),
                           ("09-pod-metrics.json", "2026-11-02T10:12:00Z")]

        /// The tour ingested into a fresh workspace's database.
        static func tourDatabase() throws -> Workspace {
            let workspace = Workspace()
            for (example, at) in tour {
                _ = try workspace.runner.succeed("ingest", "--at", at, CommandRunner.example(example))
            }
            return workspace
        }

        /// Runs a command-line tool found on PATH and returns its standard output; fails with its
        /// standard error.
        static func tool(_ arguments: [String], stdin: Data? = nil) throws -> Data {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let out = Pipe(), err = Pipe(), input = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = stdin == nil ? FileHandle.nullDevice : input
            try process.run()
            if let stdin {
                input.fileHandleForWriting.write(stdin)
                try input.fileHandleForWriting.close()
            }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            try? out.fileHandleForReading.close()
            try? err.fileHandleForReading.close()
            process.waitUntilExit()
            if process.terminationStatus == 127 {
                throw RunnerError("\(arguments[0]) is not installed: scripts/install-deps.sh --test installs it (Debian package "
                                  + "\(arguments[0] == "sqlite3" ? "sqlite3" : "protobuf-c-compiler"))")
            }
            guard process.terminationStatus == 0 else {
                throw RunnerError("\(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)): \(errors)")
            }
            return data
        }

        /// `sqlite3 -readonly -json DB SQL`: the rows as objects (the shell prints nothing for no rows).
        static func sqlite(_ database: String, _ sql: String) throws -> [[String: Any]] {
            let output = try tool(["sqlite3", "-readonly", "-json", database, sql])
            if output.allSatisfy({ $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: " ") }) { return [] }
            guard let rows = try JSONSerialization.jsonObject(with: output) as? [[String: Any]] else {
                throw RunnerError("sqlite3 printed no JSON rows for \(sql): \(String(decoding: output, as: UTF8.self))")
            }
            return rows
        }

        /// An RFC 3339 time as milliseconds, whether it has them written (the views) or not (`query`).
        static func ms(_ value: Any?) -> Int64? {
            (value as? String).flatMap { try? Timestamp(rfc3339: $0).unixMilliseconds }
        }

        /// A number or a JSON null/absent field, compared as an optional integer.
        static func int(_ value: Any?) -> Int64? {
            (value as? NSNumber)?.int64Value
        }

        static func string(_ value: Any?) -> String? { value as? String }

        static func path(_ object: [String: Any], _ keys: String...) -> Any? {
            var current: Any? = object
            for key in keys { current = (current as? [String: Any])?[key] }
            return current
        }

        @Test func sqlite3ReadsWhatQueryPrints() throws {
            let workspace = try Self.tourDatabase()
            let cli = workspace.runner
            let db = workspace.database

            // query ooms
            let ooms = try cli.json("query", "ooms")
            #expect(ooms.count == 2)
            let viewedOOMs = try Self.sqlite(db, "SELECT * FROM oom_kills_readable ORDER BY at_ms, position")
            #expect(viewedOOMs.count == ooms.count)
            for (view, printed) in zip(viewedOOMs, ooms) {
                #expect(Self.int(view["position"]) == Self.int(printed["position"]))
                #expect(Self.ms(view["at"]) == Self.ms(printed["at"]) && Self.ms(view["at"]) != nil)
                for (column, key) in [("namespace", "namespace"), ("pod", "pod"), ("pod_uid", "podUID"), ("container", "container"),
                                      ("kind", "kind"), ("source", "source")] {
                    #expect(Self.string(view[column]) == Self.string(printed[key]), "\(column)")
                }
                for (column, key) in [("memory_request_bytes", "memoryRequestBytes"), ("memory_limit_bytes", "memoryLimitBytes"),
                                      ("usage_bytes", "usageBytes"), ("restart_count", "restartCount")] {
                    #expect(Self.int(view[column]) == Self.int(printed[key]), "\(column)")
                }
            }

            // query resources --at T, with the README's filter on the view
            for at in ["2026-11-02T09:05:00Z", "2026-11-02T09:30:00Z", "2026-11-02T10:11:00Z"] {
                let printed = try cli.json("query", "resources", "--at", at)
                let viewed = try Self.sqlite(db, """
                    SELECT * FROM resource_history_readable
                    WHERE valid_from_ms <= strftime('%s', '\(at)') * 1000
                      AND (valid_to_ms IS NULL OR valid_to_ms > strftime('%s', '\(at)') * 1000)
                    """)
                #expect(!printed.isEmpty)
                func key(_ namespace: Any?, _ pod: Any?, _ container: Any?, _ type: Any?) -> String {
                    "\(Self.string(namespace) ?? "")/\(Self.string(pod) ?? "")/\(Self.string(container) ?? "")/\(Self.string(type) ?? "")"
                }
                let byContainer = Dictionary(uniqueKeysWithValues: viewed.map {
                    (key($0["namespace"], $0["pod"], $0["container"], $0["container_type"]), $0)
                })
                #expect(byContainer.count == printed.count, "at \(at)")
                for row in printed {
                    let view = try #require(byContainer[key(row["namespace"], row["pod"], row["container"], row["containerType"])],
                                            "at \(at): \(row)")
                    #expect(Self.string(view["source"]) == Self.string(row["source"]))
                    for side in ["actual", "desired"] {
                        for (kind, plural) in [("request", "requests"), ("limit", "limits")] {
                            #expect(Self.int(view["\(side)_\(kind)_cpu_millicores"]) == Self.int(Self.path(row, side, plural, "cpuMillicores")))
                            #expect(Self.int(view["\(side)_\(kind)_memory_bytes"]) == Self.int(Self.path(row, side, plural, "memoryBytes")))
                        }
                    }
                }
            }

            // query resizes --state completed
            let resizes = try cli.json("query", "resizes", "--state", "completed", "--now", "2026-11-02T11:00:00Z")
            let states = try Self.sqlite(db, "SELECT * FROM resize_states_readable WHERE state = 'completed' ORDER BY namespace, pod")
            #expect(resizes.count == 1 && states.count == resizes.count)
            for (view, printed) in zip(states, resizes) {
                for (column, key) in [("namespace", "namespace"), ("pod", "pod"), ("pod_uid", "podUID"), ("state", "state"),
                                      ("initiator", "initiator"), ("reason", "reason"), ("message", "message")] {
                    #expect(Self.string(view[column]) == Self.string(printed[key]), "\(column)")
                }
                #expect(Self.ms(view["since"]) == Self.ms(printed["since"]) && Self.ms(view["since"]) != nil)
            }

            // query events: every event, named and timed
            let events = try cli.run(["query", "events", "--limit", "1000", "--format", "ndjson"]).stdout
                .split(separator: "\n").compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let viewedEvents = try Self.sqlite(db, "SELECT * FROM events_readable ORDER BY position")
            #expect(events.count >= 19 && viewedEvents.count == events.count)
            for (view, printed) in zip(viewedEvents, events) {
                #expect(Self.int(view["position"]) == Self.int(printed["position"]))
                #expect(Self.string(view["type"]) == Self.string(printed["type"]))
                #expect(Self.ms(view["occurred_at"]) == Self.ms(printed["occurredAt"]))
                #expect(Self.ms(view["recorded_at"]) == Self.ms(printed["recordedAt"]))
                #expect(Self.int(view["caused_by"]) == Self.int(printed["causedBy"]))
                #expect(Self.string(view["body_message"]) == "vpa.store.v1.\(Self.string(printed["type"]) ?? "?")")
                if Self.string(view["stream_kind"]) == "pod" {
                    #expect("\(Self.string(view["namespace"]) ?? "")/\(Self.string(view["name"]) ?? "")" == Self.string(printed["pod"]))
                }
            }

            // usage samples, as the UsageSampled bodies hold them
            let samples = events.filter { Self.string($0["type"]) == "UsageSampled" }
            let viewedSamples = try Self.sqlite(db, "SELECT * FROM usage_samples_readable ORDER BY position, container")
            let printedSamples = samples.flatMap { event -> [String] in
                ((Self.path(event, "body", "containers") as? [[String: Any]]) ?? []).map { container in
                    "\(Self.int(event["position"]) ?? 0) \(Self.string(event["pod"]) ?? "") \(Self.string(container["name"]) ?? "") "
                        + "\(Self.int(container["cpuMillicores"]) ?? -1) \(Self.int(container["memoryBytes"]) ?? -1) "
                        + "\(Self.ms(Self.path(event, "body", "at")) ?? 0) \(Self.int(Self.path(event, "body", "windowMs")) ?? 0)"
                }
            }
            #expect(!printedSamples.isEmpty)
            #expect(viewedSamples.map {
                "\(Self.int($0["position"]) ?? 0) \(Self.string($0["namespace"]) ?? "")/\(Self.string($0["pod"]) ?? "") "
                    + "\(Self.string($0["container"]) ?? "") \(Self.int($0["cpu_millicores"]) ?? -1) \(Self.int($0["memory_bytes"]) ?? -1) "
                    + "\(Self.ms($0["at"]) ?? 0) \(Self.int($0["window_ms"]) ?? 0)"
            } == printedSamples)
        }

        /// The README's recipe for a body: `sqlite3 … hex(body) | basenc -d --base16 | protoc-c --decode=<body_message>`
        /// decodes every event of the tour with the message its row names.
        @Test func everyBodyDecodesAsTheMessageItsRowNames() throws {
            let workspace = try Self.tourDatabase()
            let db = workspace.database
            let rows = try Self.sqlite(db, "SELECT r.position, r.type, r.body_message, hex(e.body) AS hex FROM events_readable r "
                                       + "JOIN events e ON e.position = r.position ORDER BY r.position")
            #expect(rows.count >= 19)
            let proto = CommandRunner.packageRoot.appendingPathComponent("proto").path
            var decodedTypes: Set<String> = []
            for row in rows {
                let message = try #require(Self.string(row["body_message"]))
                let hex = try #require(Self.string(row["hex"]))
                let body = try Self.tool(["basenc", "-d", "--base16"], stdin: Data(hex.utf8))
                let text = String(decoding: try Self.tool(["protoc-c", "--proto_path=\(proto)", "--decode=\(message)",
                                                           "vpa/store/v1/events.proto"], stdin: body), as: UTF8.self)
                if Self.string(row["type"]) == "ResizeTransition" && Self.int(row["position"]) == 5 {
                    #expect(text.contains("to_state: RESIZE_STATE_PENDING_DEFERRED"), "\(text)")
                }
                decodedTypes.insert(Self.string(row["type"]) ?? "")
            }
            #expect(decodedTypes.isSuperset(of: ["PodObserved", "ResizeTransition", "OomKilled", "UsageSampled", "VpaObserved"]))
        }
    }
}
