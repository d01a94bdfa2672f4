import VPAModel

/// The updater's settings, with the defaults of upstream `DefaultUpdaterConfig`
/// (pkg/updater/config/config.go) and the resize timeouts of
/// pkg/updater/restriction/pods_inplace_restriction.go.
public struct UpdaterConfiguration: Hashable, Sendable {
    /// `--min-replicas` (default 2): a replica group with fewer live pods is left alone. A VPA's
    /// `spec.updatePolicy.minReplicas` overrides it (`VPAObservation.minReplicas`).
    public var minReplicas: Int
    /// `--eviction-tolerance` (default 0.5): the fraction of the configured replicas that may be
    /// disrupted in one loop, truncated to a whole number of pods.
    public var evictionTolerance: Double
    /// `--pod-update-threshold` (default 0.1): the smallest summed relative change of requests
    /// (`UpdatePriority.resourceDiff`) worth an update when the requests are inside the recommended range.
    public var podUpdateThreshold: Double
    /// `--in-recommendation-bounds-eviction-lifetime-threshold` (default 12 h): a pod inside the
    /// recommended range is updated only once it has run this long. vpa-store also measures it from
    /// the pod's last successful in-place resize (AEP-4016; DESIGN §3.4).
    public var podLifetimeUpdateThreshold: Duration
    /// `--evict-after-oom-threshold` (default 10 min): a container OOM-killed sooner than this after
    /// it started is a quick OOM, which makes an update wanted even inside the recommended range.
    public var evictAfterOOMThreshold: Duration
    /// How long a resize may stay Deferred (upstream constant `DeferredResizeUpdateTimeout`, 5 min)
    /// or in progress (`InProgressResizeUpdateTimeout`, 1 h) before InPlaceOrRecreate and Recreate
    /// evict the pod. vpa-store makes both settings.
    public var resizeTimeouts: ResizeTimeouts

    /// Settings with upstream's defaults unless given.
    public init(minReplicas: Int = 2, evictionTolerance: Double = 0.5, podUpdateThreshold: Double = 0.1,
                podLifetimeUpdateThreshold: Duration = .seconds(12 * 3600),
                evictAfterOOMThreshold: Duration = .seconds(10 * 60),
                resizeTimeouts: ResizeTimeouts = ResizeTimeouts()) {
        self.minReplicas = minReplicas
        self.evictionTolerance = evictionTolerance
        self.podUpdateThreshold = podUpdateThreshold
        self.podLifetimeUpdateThreshold = podLifetimeUpdateThreshold
        self.evictAfterOOMThreshold = evictAfterOOMThreshold
        self.resizeTimeouts = resizeTimeouts
    }
}
