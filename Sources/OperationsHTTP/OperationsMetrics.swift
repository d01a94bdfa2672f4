import Prometheus
import Synchronization
import VPAModel

/// What a process serves at `/metrics`: one registry whose every family has its `# HELP` text
/// (`MetricHelp`), with `process_*` and `<prefix>_build_info`, and values read at each scrape.
public final class OperationsMetrics: Sendable {
    /// The registry /metrics renders.
    public let registry: PrometheusCollectorRegistry
    /// Makes the process's metrics in `registry`, documented.
    public let factory: DocumentedMetricsFactory
    private let process: ProcessMetrics
    private let collectors = Mutex<[@Sendable () async -> Void]>([])

    /// A registry for the binary whose families start with `prefix` (`vpa_store`, `vpa_recommender`,
    /// `vpa_updater`), which names its build: `<prefix>_build_info{version}` is 1.
    public init(prefix: String, configure: (inout DocumentedMetricsFactory) -> Void = { _ in }) {
        registry = PrometheusCollectorRegistry()
        var factory = DocumentedMetricsFactory(registry: registry)
        configure(&factory)
        self.factory = factory
        process = ProcessMetrics(factory: factory)
        factory.gauge("\(prefix)_build_info", [("version", VPAStoreVersion.current)]).set(to: 1)
    }

    /// Runs `collect` before each exposition, to set what is read rather than counted (sizes,
    /// counts of the store's state).
    public func addCollector(_ collect: @escaping @Sendable () async -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// The Prometheus text exposition, after reading the process and running the collectors.
    public func exposition() async -> [UInt8] {
        process.update()
        for collect in collectors.withLock({ $0 }) { await collect() }
        return registry.emitToBuffer()
    }
}
