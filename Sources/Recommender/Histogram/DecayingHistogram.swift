import VPAModel

/// A histogram that forgets: a sample's weight is multiplied by `2^((time − referenceTimestamp) /
/// halfLife)`, so a sample one half-life older counts half as much (upstream
/// pkg/recommender/util/decaying_histogram.go).
///
/// Only relative weights matter, so the reference time can move at any moment by rescaling every
/// weight. It moves forward, by whole half-lives, when a sample would need a factor above
/// `2^maxDecayExponent`.
public struct DecayingHistogram: Hashable, Sendable {
    /// The largest decay exponent before the reference time is moved (`maxDecayExponent = 100`).
    public static let maxDecayExponent: Int64 = 100

    /// Go's zero `time.Time` (0001-01-01T00:00:00Z) in Unix milliseconds: upstream's initial reference
    /// time, and the origin it rounds reference times from (`time.Time.Round` counts from it).
    static let goZeroTimeMilliseconds: Int64 = -62_135_596_800_000

    private var histogram: BucketHistogram
    /// The half-life in milliseconds (at least 1).
    public let halfLifeMilliseconds: Int64
    /// The reference time in Unix milliseconds; `goZeroTimeMilliseconds` until the first sample.
    private var referenceMilliseconds: Int64 = goZeroTimeMilliseconds

    /// An empty histogram over `options` whose samples lose half their weight every `halfLife`.
    public init(options: HistogramOptions, halfLife: Duration) {
        histogram = BucketHistogram(options: options)
        halfLifeMilliseconds = halfLife.positiveMilliseconds
    }

    /// An empty CPU histogram (values in cores, `HistogramOptions.cpu`).
    public static func cpu(halfLife: Duration) -> DecayingHistogram {
        DecayingHistogram(options: .cpu, halfLife: halfLife)
    }

    /// An empty memory histogram (values in bytes, `HistogramOptions.memory`).
    public static func memory(halfLife: Duration) -> DecayingHistogram {
        DecayingHistogram(options: .memory, halfLife: halfLife)
    }

    /// The bucketing scheme.
    public var options: HistogramOptions { histogram.options }

    /// The time decay factors are relative to, always a whole number of half-lives from Go's zero
    /// time; `nil` before the first sample.
    public var referenceTimestamp: Timestamp? {
        referenceMilliseconds == Self.goZeroTimeMilliseconds ? nil : Timestamp(unixMilliseconds: referenceMilliseconds)
    }

    /// The decayed weight in each bucket, relative to `referenceTimestamp`.
    public var bucketWeights: [Double] { histogram.bucketWeights }

    /// The sum of the decayed weights.
    public var totalWeight: Double { histogram.totalWeight }

    /// True when no bucket holds at least `options.epsilon` of weight.
    public var isEmpty: Bool { histogram.isEmpty }

    /// Adds `weight` (decayed to `time`) to the bucket of `value`.
    ///
    /// - Precondition: `weight >= 0` (upstream panics too).
    public mutating func addSample(value: Double, weight: Double, time: Timestamp) {
        let factor = decayFactor(at: time)
        histogram.addSample(value: value, weight: weight * factor)
    }

    /// Removes `weight` (decayed to `time`) from the bucket of `value`; a bucket never goes below 0.
    /// Use it to take back a sample added with the same value, weight and time.
    ///
    /// - Precondition: `weight >= 0`.
    public mutating func subtractSample(value: Double, weight: Double, time: Timestamp) {
        let factor = decayFactor(at: time)
        histogram.subtractSample(value: value, weight: weight * factor)
    }

    /// An approximation of the `percentile` (0...1) of the samples: the end of the bucket where the
    /// cumulative weight reaches `percentile × totalWeight`, or the start of the last bucket; 0 when
    /// the histogram is empty. O(number of buckets).
    public func percentile(_ percentile: Double) -> Double {
        histogram.percentile(percentile)
    }

    /// The histogram saved compactly (`SaveToChekpoint`): weights rescaled to at most
    /// `HistogramCheckpoint.maxCheckpointWeight`, so small buckets may be lost.
    public func checkpoint() -> HistogramCheckpoint {
        HistogramCheckpoint(referenceTimestamp: referenceTimestamp, bucketWeights: histogram.checkpointWeights(),
                            totalWeight: histogram.totalWeight)
    }

    /// A histogram restored from `checkpoint` (`LoadFromCheckpoint` into an empty histogram).
    ///
    /// - Throws: `CheckpointError` when the total weight is negative or not finite, or a bucket is
    ///   outside `options`.
    public init(options: HistogramOptions, halfLife: Duration,
                checkpoint: HistogramCheckpoint) throws(CheckpointError) {
        self.init(options: options, halfLife: halfLife)
        try histogram.load(bucketWeights: checkpoint.bucketWeights, totalWeight: checkpoint.totalWeight)
        referenceMilliseconds = checkpoint.referenceTimestamp?.unixMilliseconds ?? Self.goZeroTimeMilliseconds
    }

    /// `decayFactor`: `2^((time − reference) / halfLife)`, first moving the reference to `time` when
    /// `time` is more than `maxDecayExponent` half-lives after it.
    private mutating func decayFactor(at time: Timestamp) -> Double {
        let maxAllowed = referenceMilliseconds.addingSaturating(
            halfLifeMilliseconds.multipliedSaturating(by: Self.maxDecayExponent))
        if time.unixMilliseconds > maxAllowed {
            shiftReference(to: time.unixMilliseconds)
        }
        let age = time.unixMilliseconds.subtractingSaturating(referenceMilliseconds)
        return twoToThePower(Double(age) / Double(halfLifeMilliseconds))
    }

    /// `shiftReferenceTimestamp`: rounds `time` to a whole number of half-lives from Go's zero time
    /// and rescales every weight by `2^(old − new reference in half-lives)`.
    private mutating func shiftReference(to time: Int64) {
        let newReference = roundedToHalfLife(time)
        // Go `round(x) = int(math.Floor(x + 0.5))`.
        let shift = Double(referenceMilliseconds.subtractingSaturating(newReference)) / Double(halfLifeMilliseconds)
        let exponent = Int((shift + 0.5).rounded(.down))
        histogram.scale(by: twoToTheIntegerPower(exponent))
        referenceMilliseconds = newReference
    }

    /// Go `time.Time.Round(halfLife)`: the nearest multiple of the half-life counted from Go's zero
    /// time, halfway values rounding up.
    private func roundedToHalfLife(_ time: Int64) -> Int64 {
        let sinceZero = time.subtractingSaturating(Self.goZeroTimeMilliseconds)
        var remainder = sinceZero % halfLifeMilliseconds
        if remainder < 0 { remainder += halfLifeMilliseconds }
        if remainder < halfLifeMilliseconds - remainder {
            return time.subtractingSaturating(remainder)
        }
        return time.addingSaturating(halfLifeMilliseconds - remainder)
    }
}
