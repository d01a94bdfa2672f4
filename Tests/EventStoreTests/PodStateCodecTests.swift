@testable import EventStore
import Foundation
import Testing
import VPAModel

/// The snapshot's binary pod rows give back exactly the pod state they were written from.
struct PodStateCodecTests {
    /// A store whose pod has every part of its state set: an observation mid-resize, an open
    /// history row, a resize record with a reason, a resize request, and an OOM kill.
    func populatedStates() throws -> [PodState] {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        let target = PodBuilder.resources(cpu: 400, memoryMi: 300)
        _ = try store.ingest([.pod(PodBuilder().with {
            $0.desired = target
            $0.conditions = PodBuilder.deferred
            $0.restartCount = 1
            $0.lastState = .terminated(reason: "OOMKilled", exitCode: 137, startedAt: minute(0), finishedAt: minute(1))
        }.pod)], observedAt: minute(2))
        try store.recordResizeRequest(ResizeRequest(targets: [.init(container: "app", resources: target)]),
                                      podKey: PodBuilder().uid, at: minute(3))
        return Array(store.projection.pods.values)
    }

    @Test func everyPodStateRoundTrips() throws {
        let states = try populatedStates()
        #expect(!states.isEmpty)
        for state in states {
            #expect(state.resize.state == .pendingDeferred && state.lastResizeRequest != nil && state.observation != nil)
            let bytes = PodStateCodec.encode(state)
            let decoded = try bytes.withUnsafeBytes { try SnapshotCoding.decodePod($0) }
            #expect(decoded == state)
            // Far smaller than the JSON rows it replaces.
            let json = try JSONEncoder().encode(state)
            #expect(bytes.count * 2 < json.count, "\(bytes.count) binary bytes vs \(json.count) JSON")
        }
    }

    @Test func aJSONRowFromAnOlderBinaryStillLoads() throws {
        for state in try populatedStates() {
            let json = Array(try JSONEncoder().encode(state))
            #expect(try json.withUnsafeBytes { try SnapshotCoding.decodePod($0) } == state)
        }
    }

    @Test func aDamagedRowIsAnErrorThatSaysHowToRebuild() throws {
        let state = try #require(try populatedStates().first)
        let bytes = PodStateCodec.encode(state)
        for damaged in [Array(bytes.prefix(bytes.count / 2)), bytes + [0], [9] + bytes.dropFirst()] {
            #expect {
                try damaged.withUnsafeBytes { try SnapshotCoding.decodePod($0) }
            } throws: { error in
                "\(error)".contains("vpa-store replay")
            }
        }
    }

    @Test func usageMarksRoundTrip() throws {
        let marks: [Int64: UsageMark] = [2: UsageMark(at: minute(1), position: 7), 40_000: UsageMark(at: minute(-5), position: 1 << 40)]
        for value in [marks, [:]] {
            let bytes = PodStateCodec.encodeUsageMarks(value)
            #expect(try bytes.withUnsafeBytes { try PodStateCodec.decodeUsageMarks($0) } == value)
        }
        let cut = PodStateCodec.encodeUsageMarks(marks).dropLast()
        #expect(throws: SnapshotError.self) { try Array(cut).withUnsafeBytes { try PodStateCodec.decodeUsageMarks($0) } }
    }
}
