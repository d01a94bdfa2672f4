import VPAModel

// The saturating Duration, Int64 and Timestamp arithmetic is VPAModel's.

extension Duration {
    /// The duration in milliseconds, at least 1: used where upstream divides by the duration.
    var positiveMilliseconds: Int64 {
        Swift.max(1, wholeMilliseconds)
    }
}
