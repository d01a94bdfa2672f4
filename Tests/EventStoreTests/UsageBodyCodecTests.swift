import Foundation
@testable import EventStore
@testable import LogCodec
import CStoreProto
import StoreAPI
import Testing
import VPAModel

/// `UsageSampled` bodies written and read in Swift: the same protobuf bytes protobuf-c packs, and
/// the same samples protobuf-c unpacks, for every body.
struct UsageBodyCodecTests {
    let samples = [
        UsageSample(at: Timestamp(unixMilliseconds: 1_733_000_000_123), windowMilliseconds: 60_000, containers: [
            .init(name: "app", cpuMillicores: 120, memoryBytes: 190 << 20),
            .init(name: "sidecar-é", cpuMillicores: 0, memoryBytes: -1),
            .init(name: "", cpuMillicores: Int64.max, memoryBytes: Int64.min),
        ]),
        UsageSample(at: Timestamp(unixMilliseconds: -5), windowMilliseconds: 0, containers: []),
        UsageSample(at: Timestamp(unixMilliseconds: 0), windowMilliseconds: -1,
                    containers: [.init(name: "nul\u{0}cut", cpuMillicores: -3, memoryBytes: 1 << 40)]),
    ]

    func protobufC(_ sample: UsageSample) -> [UInt8] {
        // The arena owns the message graph: it must outlive the pack.
        let arena = CArena()
        return withExtendedLifetime(arena) { packMessage(EventCodec.encodeUsage(sample, arena)) }
    }

    func decode(_ bytes: [UInt8]) throws -> EventBody {
        try bytes.withUnsafeBytes { try EventCodec.decode(type: .usageSampled, bytes: $0) }
    }

    func protobufCDecode(_ bytes: [UInt8]) -> UsageSample? {
        bytes.withUnsafeBytes { raw in
            let data = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
            guard let message = vpa__store__v1__usage_sampled__unpack(nil, raw.count, data) else { return nil }
            defer { vpa__store__v1__usage_sampled__free_unpacked(message, nil) }
            return EventCodec.decodeUsage(message.pointee)
        }
    }

    @Test func theBytesAreWhatProtobufCPacks() throws {
        for sample in samples {
            let bytes = EventCodec.encode(.usageSampled(sample))
            #expect(bytes == protobufC(sample))
            #expect(try decode(bytes) == .usageSampled(protobufCDecode(bytes)!))
        }
    }

    @Test func theSwiftReaderAgreesWithProtobufCOrLeavesTheBodyToIt() throws {
        let plain = protobufC(samples[0])
        #expect(plain.withUnsafeBytes { UsageBodyCodec.decode($0) } == protobufCDecode(plain))
        // Fields out of order and repeated (the last wins): still the Swift reader, same answer.
        var header = samples[0]
        header.containers = []
        let reordered: [UInt8] = [0x10, 0x05, 0x08, 0x01, 0x08, 0x02] + Array(plain.dropFirst(protobufC(header).count))
        #expect(reordered.withUnsafeBytes { UsageBodyCodec.decode($0) } != nil)
        #expect(try decode(reordered) == .usageSampled(protobufCDecode(reordered)!))
        // An unknown field, a NUL in a name, a cut body: left to protobuf-c, which decides.
        let unknown = plain + [0x20, 0x01]
        #expect(unknown.withUnsafeBytes { UsageBodyCodec.decode($0) } == nil)
        #expect(try decode(unknown) == .usageSampled(protobufCDecode(unknown)!))
        let nul: [UInt8] = [0x1A, 0x05, 0x0A, 0x03, 0x61, 0x00, 0x62]
        #expect(nul.withUnsafeBytes { UsageBodyCodec.decode($0) } == nil)
        #expect(try decode(nul) == .usageSampled(protobufCDecode(nul)!))
        let cut = Array(plain.dropLast())
        #expect(cut.withUnsafeBytes { UsageBodyCodec.decode($0) } == nil)
        #expect(protobufCDecode(cut) == nil)
        #expect(throws: WireError.malformedBody(.usageSampled, byteCount: cut.count)) { try decode(cut) }
    }

    /// What the store writes for a usage sample is what protobuf-c packed before this codec, so
    /// logs written before and after are one format; they read back, verify and replay.
    @Test func theStoreWritesTheProtobufBodyAndReadsItBack() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        var samples: [UsageSample] = []
        for n in Int64(1)...4 {
            let usage = UsageSample(at: minute(n), windowMilliseconds: 60_000,
                                    containers: [.init(name: "app", cpuMillicores: 100 + n, memoryBytes: (200 + n) << 20)])
            samples.append(usage)
            _ = try store.ingest([.usage(UsageObservation(namespace: "shop", pod: "web-0", sample: usage))],
                                 observedAt: minute(n))
        }
        var bodies: [[UInt8]] = []
        try store.connection.prepare("SELECT body FROM events WHERE type = 10 ORDER BY position").forEachRow {
            bodies.append($0.blob(0))
        }
        #expect(bodies == samples.map(protobufC))
        #expect(try store.events(EventSelector(type: .usageSampled), limit: 100).map(\.body) == samples.map { .usageSampled($0) })
        #expect(try store.verify().isClean)
        try store.replay()
        #expect(try store.verify().isClean)
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
