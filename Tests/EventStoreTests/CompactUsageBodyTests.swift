import Foundation
@testable import EventStore
@testable import LogCodec
import StoreAPI
import Testing
import VPAModel

/// The store's compact `UsageSampled` body: what it writes now, next to the protobuf bodies of logs
/// written before, which must read back, replay and verify the same.
struct CompactUsageBodyTests {
    let sample = UsageSample(at: Timestamp(unixMilliseconds: 1_733_000_000_123), windowMilliseconds: 60_000, containers: [
        .init(name: "app", cpuMillicores: 120, memoryBytes: 190 << 20),
        .init(name: "sidecar-é", cpuMillicores: 0, memoryBytes: -1),
        .init(name: "", cpuMillicores: Int64.max, memoryBytes: Int64.min),
    ])

    func decode(_ bytes: [UInt8]) throws -> EventBody {
        try bytes.withUnsafeBytes { try EventCodec.decode(type: .usageSampled, bytes: $0) }
    }

    @Test func aSampleRoundTripsAndIsSmallerThanItsProtobufBody() throws {
        let compact = CompactUsageCodec.storedBody(.usageSampled(sample))
        let protobuf = EventCodec.encode(.usageSampled(sample))
        #expect(compact.first == 0x00)
        #expect(try decode(compact) == .usageSampled(sample))
        #expect(try decode(protobuf) == .usageSampled(sample), "a protobuf body (written before) still decodes")
        #expect(compact.count < protobuf.count, "\(compact.count) compact bytes vs \(protobuf.count) protobuf")
        // Every other type is still stored as protobuf.
        #expect(CompactUsageCodec.storedBody(.podDeleted(namespace: "a", name: "b"))
            == EventCodec.encode(.podDeleted(namespace: "a", name: "b")))
    }

    @Test func aDamagedOrNewerCompactBodyIsAnErrorNotAWrongSample() throws {
        let compact = CompactUsageCodec.storedBody(.usageSampled(sample))
        for cut in [1, 2, 5, compact.count - 1] {
            #expect(throws: WireError.malformedBody(.usageSampled, byteCount: cut)) { try decode(Array(compact.prefix(cut))) }
        }
        #expect(throws: WireError.malformedBody(.usageSampled, byteCount: compact.count + 1)) { try decode(compact + [0]) }
        var newer = compact
        newer[1] = 2
        #expect(throws: WireError.invalidField(.usageSampled, field: "compact body version")) { try decode(newer) }
    }

    @Test func verifyChecksTheTimesOfACompactBody() throws {
        let good = CompactUsageCodec.storedBody(.usageSampled(sample))
        #expect(good.withUnsafeBytes { EventCodec.timeProblem(type: .usageSampled, bytes: $0) } == nil)
        var late = sample
        late.at = Timestamp(unixMilliseconds: Timestamp.validRange.upperBound + 1)
        let bad = CompactUsageCodec.storedBody(.usageSampled(late))
        let problem = bad.withUnsafeBytes { EventCodec.timeProblem(type: .usageSampled, bytes: $0) }
        #expect(problem?.contains("at_ms") == true)
    }

    /// A log holding both kinds of usage body (an old one, then samples written by this binary)
    /// reads back the same samples, and a fresh replay equals the projections.
    @Test func aLogWithOldProtobufUsageBodiesReadsReplaysAndVerifies() throws {
        let db = TemporaryDatabase()
        var samples: [UsageSample] = []
        do {
            let store = try EventStore(path: db.path)
            _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
            for n in Int64(1)...4 {
                let usage = UsageSample(at: minute(n), windowMilliseconds: 60_000,
                                        containers: [.init(name: "app", cpuMillicores: 100 + n, memoryBytes: (200 + n) << 20)])
                samples.append(usage)
                _ = try store.ingest([.usage(UsageObservation(namespace: "shop", pod: "web-0", sample: usage))],
                                     observedAt: minute(n))
            }
            let written = try store.events(EventSelector(type: .usageSampled), limit: 100)
            #expect(written.count == 4)
            // What an older binary wrote: the protobuf body, for the first two samples.
            let update = try store.connection.prepare("UPDATE events SET body = ? WHERE position = ?")
            for event in written.prefix(2) {
                try update.run([.blob(EventCodec.encode(event.body)), .int(event.position)])
            }
            var firstBytes: [UInt8] = []
            try store.connection.prepare("SELECT substr(body, 1, 1) FROM events WHERE type = 10 ORDER BY position")
                .forEachRow { firstBytes.append($0.blob(0).first ?? 0xFF) }
            #expect(firstBytes == [0x08, 0x08, 0x00, 0x00], "two protobuf bodies (field 1 tag), then two compact ones")
        }

        let reopened = try EventStore(path: db.path)
        #expect(try reopened.events(EventSelector(type: .usageSampled), limit: 100).map(\.body) == samples.map { .usageSampled($0) })
        #expect(try reopened.verify().isClean)
        try reopened.replay()
        #expect(try reopened.verify().isClean)
        var usageRows = 0
        try reopened.connection.prepare("SELECT count(*) FROM usage_samples").forEachRow { usageRows = Int($0.int(0)) }
        #expect(usageRows == 4, "every sample, old body or new, has its usage row after a replay")
    }

    /// Usage rows are written 32 to a statement: each batch of 50 pods' samples (one full statement
    /// and a remainder of 18 rows) lands whole, and as a fresh replay writes it.
    @Test func usageRowsHeldBackForMultiRowInsertsAllLand() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        var observations: [Observation] = []
        for index in 0..<50 {
            var builder = PodBuilder()
            builder.name = "web-\(index)"
            builder.uid = "uid-\(index)"
            observations.append(.pod(builder.pod))
        }
        _ = try store.ingest(observations, observedAt: minute(0))
        for round in Int64(1)...3 {
            let usage = (0..<50).map { index in
                Observation.usage(UsageObservation(namespace: "shop", pod: "web-\(index)", sample: UsageSample(
                    at: minute(round), windowMilliseconds: 60_000,
                    containers: [.init(name: "app", cpuMillicores: round, memoryBytes: Int64(index) << 20)])))
            }
            _ = try store.ingest(usage, observedAt: minute(round))
        }
        var rows = 0
        try store.connection.prepare("SELECT count(*) FROM usage_samples").forEachRow { rows = Int($0.int(0)) }
        #expect(rows == 150)
        #expect(try store.verify().isClean)
        try store.replay()
        try store.connection.prepare("SELECT count(*) FROM usage_samples").forEachRow { rows = Int($0.int(0)) }
        #expect(rows == 150)
        #expect(try store.verify().isClean)
    }

    /// Container keys are a type and a name in memory, "type/name" in snapshots, as before.
    @Test func containerKeysKeepTheirSnapshotForm() throws {
        var state = PodState(streamID: 7)
        state.containerIDs = [ContainerKey(type: .container, name: "app"): 3, ContainerKey(type: .`init`, name: "a/b"): 4]
        let json = try JSONEncoder().encode(state)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        #expect((object?["containerIDs"] as? [String: Int])?.keys.sorted() == ["container/app", "init/a/b"])
        #expect(try JSONDecoder().decode(PodState.self, from: json) == state)
        let binary = SnapshotCoding.encodePod(state)
        #expect(try binary.withUnsafeBytes { try SnapshotCoding.decodePod($0) } == state)
        #expect(ContainerKey(text: "sidecar") == nil)
        #expect(ContainerKey(text: "init/a/b") == ContainerKey(type: .`init`, name: "a/b"))
    }
}
