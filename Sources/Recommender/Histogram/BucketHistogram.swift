import VPAModel

/// Weights in buckets, without decay (upstream pkg/recommender/util/histogram.go `histogram`).
///
/// A bucket whose weight is below `options.epsilon` counts as empty. `minBucket` and `maxBucket` bound
/// the non-empty buckets (`numberOfBuckets − 1` and 0 when all are empty).
struct BucketHistogram: Hashable, Sendable {
    let options: HistogramOptions
    /// The weight in each bucket.
    private(set) var bucketWeights: [Double]
    /// The sum of all weights added minus all weights subtracted.
    private(set) var totalWeight: Double = 0
    /// The first non-empty bucket, or the last bucket when all are empty.
    private(set) var minBucket: Int
    /// The last non-empty bucket, or 0 when all are empty.
    private(set) var maxBucket: Int = 0

    init(options: HistogramOptions) {
        self.options = options
        bucketWeights = Array(repeating: 0, count: options.numberOfBuckets)
        minBucket = options.numberOfBuckets - 1
    }

    /// `AddSample`: the bucket becomes a bound only once its weight reaches epsilon.
    mutating func addSample(value: Double, weight: Double) {
        precondition(weight >= 0, "sample weight must be non-negative")
        let bucket = options.findBucket(value)
        bucketWeights[bucket] += weight
        totalWeight += weight
        if bucket < minBucket && bucketWeights[bucket] >= options.epsilon {
            minBucket = bucket
        }
        if bucket > maxBucket && bucketWeights[bucket] >= options.epsilon {
            maxBucket = bucket
        }
    }

    /// `SubtractSample`: weights that would fall below epsilon become exactly 0 (`safeSubtract`).
    mutating func subtractSample(value: Double, weight: Double) {
        precondition(weight >= 0, "sample weight must be non-negative")
        let bucket = options.findBucket(value)
        totalWeight = Self.safeSubtract(totalWeight, weight, epsilon: options.epsilon)
        bucketWeights[bucket] = Self.safeSubtract(bucketWeights[bucket], weight, epsilon: options.epsilon)
        updateMinAndMaxBucket()
    }

    /// `Percentile`: the end of the first bucket (from `minBucket`) at which the running weight reaches
    /// `percentile × totalWeight`, or the start of the last bucket, which has no end. 0 when empty.
    /// O(number of buckets).
    func percentile(_ percentile: Double) -> Double {
        if isEmpty { return 0 }
        var partialSum = 0.0
        let threshold = percentile * totalWeight
        var bucket = minBucket
        while bucket < maxBucket {
            partialSum += bucketWeights[bucket]
            if partialSum >= threshold { break }
            bucket += 1
        }
        if bucket < options.numberOfBuckets - 1 {
            return options.bucketStart(bucket + 1)
        }
        return options.bucketStart(bucket)
    }

    /// `IsEmpty`: the first non-empty bucket is below epsilon.
    var isEmpty: Bool {
        bucketWeights[minBucket] < options.epsilon
    }

    /// `scale`: multiplies every weight by `factor` (≥ 0); percentiles do not change, but buckets can
    /// drop below epsilon.
    mutating func scale(by factor: Double) {
        precondition(factor >= 0, "scale factor must be non-negative")
        for bucket in stride(from: minBucket, through: maxBucket, by: 1) {
            bucketWeights[bucket] *= factor
        }
        totalWeight *= factor
        updateMinAndMaxBucket()
    }

    /// `SaveToChekpoint`: weights scaled so the heaviest bucket is `maxCheckpointWeight`, rounded
    /// half up, zeros dropped.
    func checkpointWeights() -> [Int: UInt32] {
        var heaviest = 0.0
        for bucket in stride(from: minBucket, through: maxBucket, by: 1) {
            heaviest = Swift.max(heaviest, bucketWeights[bucket])
        }
        guard heaviest > 0 else { return [:] }
        let ratio = Double(HistogramCheckpoint.maxCheckpointWeight) / heaviest
        var result: [Int: UInt32] = [:]
        for bucket in stride(from: minBucket, through: maxBucket, by: 1) {
            // Go `round(x) = int(math.Floor(x + 0.5))`; the value is within 0...10000 here.
            let weight = UInt32((bucketWeights[bucket] * ratio + 0.5).rounded(.down))
            if weight > 0 {
                result[bucket] = weight
            }
        }
        return result
    }

    /// `LoadFromCheckpoint`: adds the checkpoint's weights, spreading its total weight over its
    /// buckets in proportion to their saved weights.
    mutating func load(bucketWeights saved: [Int: UInt32], totalWeight savedTotal: Double) throws(CheckpointError) {
        guard savedTotal >= 0, savedTotal.isFinite else {
            throw .invalidTotalWeight(savedTotal)
        }
        var sum: Int64 = 0
        for (bucket, weight) in saved {
            sum += Int64(weight)
            guard bucket >= 0, bucket < options.numberOfBuckets else {
                throw .bucketOutOfRange(bucket: bucket, bucketCount: options.numberOfBuckets)
            }
        }
        if sum == 0 { return }
        let ratio = savedTotal / Double(sum)
        for (bucket, weight) in saved {
            minBucket = Swift.min(minBucket, bucket)
            maxBucket = Swift.max(maxBucket, bucket)
            bucketWeights[bucket] += Double(weight) * ratio
        }
        totalWeight += savedTotal
        // A saved weight of 1 next to 10,000 can come back below epsilon: without this, such a bucket
        // stays the lower bound and the whole histogram reads as empty (kubernetes/autoscaler issue
        // 7726; upstream now ends LoadFromCheckpoint the same way).
        updateMinAndMaxBucket()
    }

    /// `updateMinAndMaxBucket`: moves the bounds inward past buckets below epsilon.
    private mutating func updateMinAndMaxBucket() {
        let lastBucket = options.numberOfBuckets - 1
        while bucketWeights[minBucket] < options.epsilon && minBucket < lastBucket {
            minBucket += 1
        }
        while bucketWeights[maxBucket] < options.epsilon && maxBucket > 0 {
            maxBucket -= 1
        }
    }

    /// `safeSubtract`: `value − subtrahend`, or 0 when that is below epsilon.
    private static func safeSubtract(_ value: Double, _ subtrahend: Double, epsilon: Double) -> Double {
        let difference = value - subtrahend
        return difference < epsilon ? 0 : difference
    }
}
