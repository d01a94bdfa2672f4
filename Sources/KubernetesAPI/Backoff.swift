/// Exponential backoff with jitter, as client-go's reflector has it (800 ms doubling to 30 s, each
/// delay stretched by up to 100 %), so that many clients that failed together do not retry together.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    /// Each delay is multiplied by a random factor in [1, 1 + jitter).
    public var jitter: Double
    private var failures = 0

    /// A backoff starting at `initial`.
    public init(initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), jitter: Double = 1.0) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before the next attempt, counting one more failure. `retryAfter` (the server's
    /// `Retry-After`) wins when given: the server knows when it will have room.
    public mutating func next(retryAfter: Duration? = nil) -> Duration {
        failures += 1
        if let retryAfter { return min(max(retryAfter, .zero), .seconds(300)) }
        let exponent = min(failures - 1, 30)
        let base = min(initial * (1 << exponent), maximum)
        return base * (1 + Double.random(in: 0..<max(jitter, .leastNonzeroMagnitude)))
    }

    /// Forgets the failures after a success.
    public mutating func reset() { failures = 0 }

    /// Failures since the last success.
    public var consecutiveFailures: Int { failures }
}
