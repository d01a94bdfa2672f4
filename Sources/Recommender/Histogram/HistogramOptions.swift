/// How a histogram divides values into buckets (upstream pkg/recommender/util/histogram_options.go).
///
/// The recommender uses two exponential schemes, `cpu` and `memory`; the linear scheme exists so
/// upstream's histogram unit tests, which use it, can be ported unchanged.
public struct HistogramOptions: Hashable, Sendable {
    enum Scheme: Hashable, Sendable {
        /// Buckets of `bucketSize`, the first starting at 0.
        case linear(bucketSize: Double)
        /// Bucket n has size `firstBucketSize × ratio^n`, the first starting at 0.
        case exponential(firstBucketSize: Double, ratio: Double)
    }

    /// The growth of each bucket over the previous one (aggregations_config.go
    /// `DefaultHistogramBucketSizeGrowth = 0.05`, i.e. ratio 1.05).
    public static let histogramBucketSizeGrowth = 0.05

    /// The least sample weight (aggregations_config.go `minSampleWeight`); every CPU sample has it.
    public static let minSampleWeight = 0.1

    /// The least weight of a non-empty bucket (aggregations_config.go `epsilon = 0.001 *
    /// minSampleWeight` = 1e-4): small enough that a sample of `minSampleWeight` just inside the
    /// 8-day memory window still counts.
    public static let epsilon = 0.001 * minSampleWeight

    /// The most buckets a scheme may have; a larger scheme is rejected rather than allocated.
    public static let maximumNumberOfBuckets = 1_000_000

    /// CPU in cores: first bucket 0.01 cores, last bucket starting at or above 1000 cores, 176 buckets
    /// (aggregations_config.go `cpuHistogramOptions`).
    public static let cpu = HistogramOptions(
        scheme: .exponential(firstBucketSize: 0.01, ratio: 1 + histogramBucketSizeGrowth),
        numberOfBuckets: exponentialBucketCount(maxValue: 1000.0, firstBucketSize: 0.01,
                                                ratio: 1 + histogramBucketSizeGrowth),
        epsilon: epsilon)

    /// Memory in bytes: first bucket 1e7 bytes (10 MB), last bucket starting at or above 1e12 bytes,
    /// 176 buckets (aggregations_config.go `memoryHistogramOptions`).
    public static let memory = HistogramOptions(
        scheme: .exponential(firstBucketSize: 1e7, ratio: 1 + histogramBucketSizeGrowth),
        numberOfBuckets: exponentialBucketCount(maxValue: 1e12, firstBucketSize: 1e7,
                                                ratio: 1 + histogramBucketSizeGrowth),
        epsilon: epsilon)

    let scheme: Scheme
    /// How many buckets the histogram has; the last one has no upper end.
    public let numberOfBuckets: Int
    /// The least weight for a bucket to count as non-empty.
    public let epsilon: Double

    init(scheme: Scheme, numberOfBuckets: Int, epsilon: Double) {
        self.scheme = scheme
        self.numberOfBuckets = numberOfBuckets
        self.epsilon = epsilon
    }

    /// Buckets of `bucketSize` from 0, the last starting at or above `maxValue`
    /// (`NewLinearHistogramOptions`: `ceil(maxValue / bucketSize) + 1` buckets). `nil` unless all three
    /// are positive and finite and the scheme has at most `maximumNumberOfBuckets` buckets.
    public static func linear(maxValue: Double, bucketSize: Double, epsilon: Double) -> HistogramOptions? {
        guard maxValue > 0, bucketSize > 0, epsilon > 0, maxValue.isFinite, bucketSize.isFinite, epsilon.isFinite
        else { return nil }
        let count = (maxValue / bucketSize).rounded(.up) + 1
        guard count <= Double(maximumNumberOfBuckets) else { return nil }
        return HistogramOptions(scheme: .linear(bucketSize: bucketSize), numberOfBuckets: Int(count), epsilon: epsilon)
    }

    /// Buckets growing by `ratio`, the first covering `[0, firstBucketSize)`, the last starting at or
    /// above `maxValue` (`NewExponentialHistogramOptions`:
    /// `ceil(log_ratio(maxValue × (ratio − 1) / firstBucketSize + 1)) + 1` buckets). `nil` unless
    /// the values are finite, `maxValue`, `firstBucketSize` and `epsilon` are positive, `ratio > 1`, and
    /// the scheme has at most `maximumNumberOfBuckets` buckets.
    public static func exponential(maxValue: Double, firstBucketSize: Double, ratio: Double,
                                   epsilon: Double) -> HistogramOptions? {
        guard maxValue > 0, firstBucketSize > 0, ratio > 1, epsilon > 0,
              maxValue.isFinite, firstBucketSize.isFinite, ratio.isFinite, epsilon.isFinite
        else { return nil }
        let exponent = logarithm(maxValue * (ratio - 1) / firstBucketSize + 1, base: ratio).rounded(.up)
        guard exponent + 1 <= Double(maximumNumberOfBuckets) else { return nil }
        return HistogramOptions(scheme: .exponential(firstBucketSize: firstBucketSize, ratio: ratio),
                                numberOfBuckets: Int(exponent) + 1, epsilon: epsilon)
    }

    /// The bucket count of an exponential scheme whose parameters are known to be valid.
    static func exponentialBucketCount(maxValue: Double, firstBucketSize: Double, ratio: Double) -> Int {
        Int(logarithm(maxValue * (ratio - 1) / firstBucketSize + 1, base: ratio).rounded(.up)) + 1
    }

    /// The bucket `value` falls in; values below the range go to the first bucket and values above
    /// it to the last (`FindBucket`: `floor(log_ratio(value × (ratio − 1) / firstBucketSize + 1))`
    /// for the exponential scheme). NaN goes to the first bucket.
    public func findBucket(_ value: Double) -> Int {
        let last = numberOfBuckets - 1
        switch scheme {
        case .linear(let bucketSize):
            let bucket = value / bucketSize
            guard bucket >= 0 else { return 0 }
            return bucket >= Double(last) ? last : Int(bucket)
        case .exponential(let firstBucketSize, let ratio):
            guard value >= firstBucketSize else { return 0 }
            let bucket = Self.logarithm(value * (ratio - 1) / firstBucketSize + 1, base: ratio)
            return bucket >= Double(last) ? last : Int(bucket)
        }
    }

    /// Where bucket `bucket` starts: 0 for the first; `firstBucketSize × (ratio^n − 1) / (ratio − 1)`
    /// for exponential bucket n; `n × bucketSize` for linear bucket n (`GetBucketStart`).
    ///
    /// - Precondition: `bucket` is in `0..<numberOfBuckets` (upstream panics too).
    public func bucketStart(_ bucket: Int) -> Double {
        precondition(bucket >= 0 && bucket < numberOfBuckets,
                     "bucket \(bucket) out of range 0..<\(numberOfBuckets)")
        if bucket == 0 { return 0 }
        switch scheme {
        case .linear(let bucketSize):
            return Double(bucket) * bucketSize
        case .exponential(let firstBucketSize, let ratio):
            return firstBucketSize * (power(ratio, Double(bucket)) - 1) / (ratio - 1)
        }
    }

    /// `log_base(x)` computed as upstream does, `ln x / ln base` (histogram_options.go `log`).
    static func logarithm(_ x: Double, base: Double) -> Double {
        naturalLogarithm(x) / naturalLogarithm(base)
    }
}
