/// Conversions between the histograms' floating-point values and the integer amounts of a
/// recommendation: CPU in millicores, memory in bytes (upstream
/// pkg/recommender/model/types.go, `ResourceAmount`).
public enum ResourceAmount {
    /// The largest amount the recommender produces (upstream `MaxResourceAmount = 1e14`).
    ///
    /// Upstream's "infinite" upper bound (no history: confidence 0, multiplier +∞) is clamped to this
    /// value, so an upper bound of `maximum` millicores or bytes means "no upper bound yet".
    public static let maximum: Int64 = 100_000_000_000_000

    /// `amount` as an integer amount: truncated toward zero, negative → 0, above `maximum` →
    /// `maximum` (upstream `resourceAmountFromFloat`).
    ///
    /// NaN (which upstream meets as 0 × ∞ when an empty histogram is scaled by the no-history
    /// multiplier) becomes 0; Go leaves that conversion to the platform, and every caller then raises
    /// the amount to the per-container minimum, so the recommendation is the same.
    public static func fromDouble(_ amount: Double) -> Int64 {
        if amount.isNaN || amount < 0 { return 0 }
        if amount > Double(maximum) { return maximum }
        return Int64(amount)
    }

    /// Millicores for `cores` (upstream `CPUAmountFromCores`: `cores * 1000`, truncated).
    public static func millicores(fromCores cores: Double) -> Int64 {
        fromDouble(cores * 1000.0)
    }

    /// Cores for `millicores` (upstream `CoresFromCPUAmount`).
    public static func cores(fromMillicores millicores: Int64) -> Double {
        Double(millicores) / 1000.0
    }

    /// `amount × factor`, converted as `fromDouble` does (upstream `ScaleResource`).
    public static func scaled(_ amount: Int64, by factor: Double) -> Int64 {
        fromDouble(Double(amount) * factor)
    }
}
