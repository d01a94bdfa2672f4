import Foundation
import VPAModel

/// The projection-wide part of a snapshot (the pods are stored one row each).
struct SnapshotHeader: Codable, Hashable {
    var position: Int64
    var inPlaceMode: InPlaceMode
    var inPlaceDetected: Bool
    var nextContainerID: Int64
    var otherHeads: [Int64: Int64]
    /// Live VerticalPodAutoscalers by stream (absent in snapshots written before they were stored).
    var vpas: [Int64: VPAObservation]?
    /// The latest recommendation of each VPA, by stream.
    var recommendations: [Int64: PublishedRecommendation]?
    var checkpoints: [Int64: RecommenderCheckpoint]?
    /// Live LimitRanges by stream (absent in snapshots written before they were stored).
    var limitRanges: [Int64: LimitRangeObservation]?
    /// The newest cut of the usage retention (absent before retention existed).
    var usageExpiredBefore: Timestamp?
    /// Each pod's newest usage sample, by stream. Only in snapshots written by 9bf6ff7; later
    /// ones keep it in the `pod_snapshot` row `SnapshotCoding.usageMarksRow`.
    var lastUsage: [Int64: UsageMark]?
}

/// How snapshots are serialized: JSON with sorted keys, so the same projection always gives the
/// same bytes. Snapshots are a cache of the log, never a source of truth: a snapshot this binary
/// cannot read is rebuilt with `vpa-store replay`.
enum SnapshotCoding {
    /// The `pod_snapshot` row (no stream has id 0) that holds every pod's newest usage sample.
    static let usageMarksRow: Int64 = 0

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func encodeHeader(_ header: SnapshotHeader) throws -> String {
        String(decoding: try encoder.encode(header), as: UTF8.self)
    }

    static func decodeHeader(_ text: String) throws -> SnapshotHeader {
        try JSONDecoder().decode(SnapshotHeader.self, from: Data(text.utf8))
    }

    /// A pod's row: binary (see `PodStateCodec`); rows written as JSON by older binaries still load.
    static func encodePod(_ state: PodState) -> [UInt8] {
        PodStateCodec.encode(state)
    }

    static func decodePod(_ bytes: UnsafeRawBufferPointer) throws -> PodState {
        if bytes.first == UInt8(ascii: "{") { return try JSONDecoder().decode(PodState.self, from: Data(bytes)) }
        return try PodStateCodec.decode(bytes)
    }
}

extension Projection {
    var header: SnapshotHeader {
        SnapshotHeader(position: position, inPlaceMode: inPlaceMode, inPlaceDetected: inPlaceDetected,
                       nextContainerID: nextContainerID, otherHeads: otherHeads, vpas: vpas,
                       recommendations: recommendations, checkpoints: checkpoints,
                       limitRanges: limitRanges.isEmpty ? nil : limitRanges, usageExpiredBefore: usageExpiredBefore,
                       lastUsage: nil)
    }

    mutating func restore(_ header: SnapshotHeader) {
        position = header.position
        inPlaceMode = header.inPlaceMode
        inPlaceDetected = header.inPlaceDetected
        nextContainerID = header.nextContainerID
        otherHeads = header.otherHeads
        vpas = header.vpas ?? [:]
        recommendations = header.recommendations ?? [:]
        checkpoints = header.checkpoints ?? [:]
        limitRanges = header.limitRanges ?? [:]
        usageExpiredBefore = header.usageExpiredBefore
        lastUsage = header.lastUsage ?? [:]
    }

    /// Rebuilds the namespace/name → live stream index from the pods.
    mutating func rebuildNameIndex() {
        liveStreamByName = [:]
        for (streamID, state) in pods where state.live {
            if let pod = state.observation { liveStreamByName[pod.key.description] = streamID }
        }
    }
}
