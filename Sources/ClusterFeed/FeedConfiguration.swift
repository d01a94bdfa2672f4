import KubernetesAPI

/// How `vpa-store feed` watches the cluster and batches what it sees into the store.
public struct FeedConfiguration: Sendable {
    /// Watch one namespace; nil for all.
    public var namespace: String?
    /// A batch goes to the store when it holds this many observations…
    public var batchObservations = 300
    /// …or when its first observation has waited this long, whichever comes first.
    public var batchLatency: Duration = .milliseconds(100)
    /// Observations held for the store. Full while the store keeps acknowledging, the reflectors
    /// wait for room; full with the store silent for `storeStallLimit`, the buffer is dropped and
    /// every resource is relisted once the store is back: memory stays bounded, and the relist
    /// (cheap, thanks to the store's unchanged-detection) recovers what was dropped.
    public var bufferLimit = 50_000
    /// How long without an acknowledgement counts as the store being away (see `bufferLimit`).
    public var storeStallLimit: Duration = .seconds(10)
    /// How often PodMetrics are listed (metrics.k8s.io cannot be watched).
    public var metricsInterval: Duration = .seconds(60)
    /// Which resources to follow.
    public var watchVPAs = true
    /// LimitRanges, which the updater's capping reads (upstream's capping processor).
    public var watchLimitRanges = true
    public var watchEvictions = true
    public var pollMetrics = true
    /// Paging, watch timeouts and backoff of the API reflectors.
    public var reflector = ReflectorOptions()
    /// Backoff of Ingest calls while the store is unavailable.
    public var storeBackoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))

    /// The defaults: all namespaces, batches of 300 or 100 ms, metrics every minute.
    public init() {}
}
