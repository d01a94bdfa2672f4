/// A histogram saved compactly (upstream `HistogramCheckpoint`, pkg/apis/autoscaling.k8s.io/v1/types.go).
///
/// Bucket weights are rescaled so the heaviest bucket holds `maxCheckpointWeight`; buckets that round
/// to 0 are left out. Loading spreads `totalWeight` over the saved buckets in proportion.
public struct HistogramCheckpoint: Hashable, Sendable, Codable {
    /// The weight the heaviest bucket is saved as (histogram.go `MaxCheckpointWeight`).
    public static let maxCheckpointWeight: UInt32 = 10_000

    /// The decaying histogram's reference time, or `nil` before its first sample (upstream saves
    /// Go's zero time, which serializes as null).
    public var referenceTimestamp: Timestamp?
    /// Bucket index → weight, scaled so the largest is `maxCheckpointWeight`; zeros dropped.
    public var bucketWeights: [Int: UInt32]
    /// The histogram's total weight, unscaled.
    public var totalWeight: Double

    public init(referenceTimestamp: Timestamp? = nil, bucketWeights: [Int: UInt32] = [:], totalWeight: Double = 0) {
        self.referenceTimestamp = referenceTimestamp
        self.bucketWeights = bucketWeights
        self.totalWeight = totalWeight
    }
}
