import VPAModel

/// Why a checkpoint could not be restored (upstream histogram.go `LoadFromCheckpoint`,
/// aggregate_container_state.go `LoadFromCheckpoint`).
public enum CheckpointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The checkpoint's `version` is not `ContainerCheckpoint.supportedVersion`.
    case unsupportedVersion(String)
    /// A histogram's `totalWeight` is negative, infinite or NaN.
    case invalidTotalWeight(Double)
    /// A histogram names a bucket outside `0..<bucketCount`.
    case bucketOutOfRange(bucket: Int, bucketCount: Int)

    /// A sentence saying what is wrong and what to do.
    public var description: String {
        switch self {
        case .unsupportedVersion(let version):
            "checkpoint version \(version.debugDescription) is not supported (expected "
                + "\(ContainerCheckpoint.supportedVersion.debugDescription)); "
                + "discard it and let the recommender rebuild history"
        case .invalidTotalWeight(let weight):
            "checkpoint histogram has total weight \(weight); it must be a finite number ≥ 0, "
                + "so discard the checkpoint"
        case .bucketOutOfRange(let bucket, let bucketCount):
            "checkpoint histogram names bucket \(bucket), outside 0..<\(bucketCount); it was written with other "
                + "histogram options, so discard it"
        }
    }
}
