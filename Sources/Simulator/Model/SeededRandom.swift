/// A seeded random number generator (SplitMix64): the same seed gives the same sequence on every
/// platform, so a scenario replays exactly.
///
/// SplitMix64 is Steele, Lea and Flood's generator (also the seeding step of xoshiro); it passes
/// BigCrush and needs one `UInt64` of state, which keeps the model a plain value.
public struct SeededRandom: RandomNumberGenerator, Hashable, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform number in `0 ..< 1`.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// SplitMix64's finaliser: a good 64-bit hash of `value`.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `-1 ... 1` that depends only on its inputs, for usage noise: evaluating usage
    /// at any instant, any number of times, never moves the scenario's own sequence.
    static func noise(seed: UInt64, stream: UInt64, tick: Int64) -> Double {
        let hash = mix(seed ^ mix(stream &+ 0x632B_E59B_D9B4_E019) ^ mix(UInt64(bitPattern: tick)))
        return Double(hash >> 11) * 0x1.0p-52 - 1
    }
}
