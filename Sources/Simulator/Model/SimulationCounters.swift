/// What happened in a simulated cluster so far.
public struct SimulationCounters: Hashable, Sendable {
    /// Pods created, the initial ones and every replacement.
    public var podsCreated = 0
    /// Pods evicted by the updater.
    public var podsEvicted = 0
    /// Pods deleted by scripted events (a person, or a scale-down).
    public var podsDeleted = 0
    /// Resizes the updater asked for that changed a pod's desired resources.
    public var vpaResizes = 0
    /// Resizes by a person (scripted).
    public var manualResizes = 0
    /// In-place resizes the runtime finished (status resources = the new resources).
    public var resizesCompleted = 0
    /// Resizes that went `PodResizePending`/`Deferred` (each once).
    public var resizesDeferred = 0
    /// Resizes that went `PodResizePending`/`Infeasible` (each once).
    public var resizesInfeasible = 0
    /// Resize attempts that got stuck in progress.
    public var resizesStuck = 0
    /// Resize attempts that went `PodResizeInProgress`/`Error` (memory-limit decreases below usage included).
    public var resizesErrored = 0
    /// Of those, memory-limit decreases below current usage.
    public var memoryLimitDecreasesBlocked = 0
    /// Containers killed for passing their memory limit.
    public var oomKills = 0
    /// Usage samples produced (one per running pod per usage interval).
    public var usageSamples = 0
    /// Pod observations produced (each a change of a pod).
    public var podObservations = 0

    /// No events yet.
    public init() {}
}
