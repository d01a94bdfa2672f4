/// What clients did through the simulated API: the demo's evidence that the production path ran.
public struct SimulatedAPICounters: Hashable, Sendable {
    /// `PATCH pods/NAME/resize` calls that changed a pod's resources.
    public var resizePatches = 0
    /// `POST pods/NAME/eviction` calls that evicted a pod.
    public var evictions = 0
    /// Evictions answered 429 (as a PodDisruptionBudget refuses them).
    public var evictionsRefused = 0
    /// Writes of a VPA's `status` (PUT or PATCH).
    public var vpaStatusWrites = 0
    /// Containers of new pods whose requests admission took from a VPA's `status.recommendation`.
    public var containersAdmittedWithRecommendation = 0

    /// Counters at zero.
    public init() {}
}
