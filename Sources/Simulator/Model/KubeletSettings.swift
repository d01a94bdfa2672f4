/// How the simulated kubelet and container runtime behave.
public struct KubeletSettings: Hashable, Sendable {
    /// Shortest time an in-place resize takes to actuate, in milliseconds.
    public var minimumResizeMilliseconds: Int64
    /// Longest time an in-place resize takes to actuate, in milliseconds.
    public var maximumResizeMilliseconds: Int64
    /// Fraction of resize attempts that stay in progress forever (`0 ... 1`).
    public var stuckFraction: Double
    /// Fraction of resize attempts that fail with reason `Error` (`0 ... 1`).
    public var errorFraction: Double
    /// How often usage is measured (and OOM kills can happen): the metrics window, 60 s upstream.
    public var usageIntervalMilliseconds: Int64

    /// Settings; the defaults resize in 10–60 s and get 2% stuck and 2% failed.
    public init(minimumResizeMilliseconds: Int64 = 10_000, maximumResizeMilliseconds: Int64 = 60_000,
                stuckFraction: Double = 0.02, errorFraction: Double = 0.02, usageIntervalMilliseconds: Int64 = 60_000) {
        self.minimumResizeMilliseconds = minimumResizeMilliseconds
        self.maximumResizeMilliseconds = maximumResizeMilliseconds
        self.stuckFraction = stuckFraction
        self.errorFraction = errorFraction
        self.usageIntervalMilliseconds = usageIntervalMilliseconds
    }
}
