import ArgumentParser
import DaemonSupport
import Foundation
import KubernetesAPI
import LeaderElection
import Logging
import Recommender
import RecommenderRunner
import StoreAPI
import StoreRPC
import VPAModel

/// `vpa-recommender`: upstream VPA's recommender over a vpa-store server. The work is in
/// `RecommenderRunner`; this is the command line around it.
@main
struct VPARecommender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpa-recommender",
        abstract: "Recommend container resources from the usage and OOM kills in a vpa-store server.",
        discussion: """
            Each loop reads new usage samples and OOM kills from the store's log, adds them to upstream VPA's \
            decaying histograms per VPA and container, appends RecommendationPublished when a VPA's recommendation \
            changes, and appends a RecommenderCheckpoint per VPA every --checkpoint-every loops, so a restarted \
            recommender continues where it stopped. With --publish api it also writes each VPA's \
            status.recommendation and RecommendationProvided condition through the Kubernetes API, where admission \
            reads them; with --leader-elect, only the replica holding the Lease works. Prints one line per loop on \
            standard output; logs go to standard error. SIGTERM or SIGINT stops it (a loop cut short is resumed by the next start).
            """,
        version: VPAStoreVersion.current)

    @OptionGroup
    var loop: RunnerOptions

    @OptionGroup(title: "TLS to the store")
    var storeTLS: StoreTLSOptions

    @Flag(name: .long, help: ArgumentHelp(
        "Take \"now\" from the log instead of the machine's clock.",
        discussion: "Now is the latest occurredAt the recommender has read: for a simulated cluster on a fast clock."))
    var nowFromLog = false

    @Option(name: .long, help: "Write a checkpoint per VPA on the first loop and then every N loops.")
    var checkpointEvery: Int = 10

    @Option(name: .customLong("recommendation-margin-fraction"), help: "Safety margin added to the estimates.")
    var recommendationMarginFraction: Double = 0.15

    @Option(name: .customLong("pod-recommendation-min-cpu-millicores"), help: "Least CPU recommended per pod.")
    var podRecommendationMinCPUMillicores: Double = 25

    @Option(name: .customLong("pod-recommendation-min-memory-mb"), help: "Least memory recommended per pod, in MiB.")
    var podRecommendationMinMemoryMB: Double = 250

    @Option(name: .customLong("target-cpu-percentile"), help: "CPU usage percentile of the target.")
    var targetCPUPercentile: Double = 0.9

    @Option(name: .customLong("recommendation-lower-bound-cpu-percentile"), help: "CPU usage percentile of the lower bound.")
    var lowerBoundCPUPercentile: Double = 0.5

    @Option(name: .customLong("recommendation-upper-bound-cpu-percentile"), help: "CPU usage percentile of the upper bound.")
    var upperBoundCPUPercentile: Double = 0.95

    @Option(name: .customLong("target-memory-percentile"), help: "Memory peaks percentile of the target.")
    var targetMemoryPercentile: Double = 0.9

    @Option(name: .customLong("recommendation-lower-bound-memory-percentile"), help: "Memory peaks percentile of the lower bound.")
    var lowerBoundMemoryPercentile: Double = 0.5

    @Option(name: .customLong("recommendation-upper-bound-memory-percentile"), help: "Memory peaks percentile of the upper bound.")
    var upperBoundMemoryPercentile: Double = 0.95

    @Option(name: .customLong("confidence-interval-cpu"),
            help: "History that counts as confidence 1 for the CPU bounds (default: 24h).", transform: DaemonCommandLine.parseDuration)
    var confidenceIntervalCPU: Duration = .seconds(24 * 3600)

    @Option(name: .customLong("confidence-interval-memory"),
            help: "History that counts as confidence 1 for the memory bounds (default: 24h).", transform: DaemonCommandLine.parseDuration)
    var confidenceIntervalMemory: Duration = .seconds(24 * 3600)

    @Option(name: .customLong("cpu-histogram-decay-half-life"), help: "Age at which a CPU sample weighs half (default: 24h).",
            transform: DaemonCommandLine.parseDuration)
    var cpuHistogramDecayHalfLife: Duration = .seconds(24 * 3600)

    @Option(name: .customLong("memory-histogram-decay-half-life"), help: "Age at which a memory peak weighs half (default: 24h).",
            transform: DaemonCommandLine.parseDuration)
    var memoryHistogramDecayHalfLife: Duration = .seconds(24 * 3600)

    @Option(name: .customLong("memory-aggregation-interval"),
            help: "Each container contributes one memory peak per interval (default: 24h).", transform: DaemonCommandLine.parseDuration)
    var memoryAggregationInterval: Duration = .seconds(24 * 3600)

    @Option(name: .customLong("memory-aggregation-interval-count"), help: "Intervals in the memory aggregation window.")
    var memoryAggregationIntervalCount: Int64 = 8

    @Option(name: .customLong("oom-bump-up-ratio"), help: "After an OOM kill, memory needed ≥ memory used × this.")
    var oomBumpUpRatio: Double = 1.2

    @Option(name: .customLong("oom-min-bump-up-bytes"), help: "After an OOM kill, memory needed ≥ memory used + this many bytes.")
    var oomMinBumpUpBytes: Double = 100 * 1024 * 1024

    @Option(name: .customLong("container-recommendation-max-allowed-cpu"),
            help: ArgumentHelp("Cap on every container's CPU where its policy sets none (a quantity, e.g. 4 or 500m).",
                               valueName: "quantity"), transform: DaemonCommandLine.parseQuantity)
    var maxAllowedCPU: Quantity?

    @Option(name: .customLong("container-recommendation-max-allowed-memory"),
            help: ArgumentHelp("Cap on every container's memory where its policy sets none (a quantity, e.g. 8Gi).",
                               valueName: "quantity"), transform: DaemonCommandLine.parseQuantity)
    var maxAllowedMemory: Quantity?

    @Option(name: .customLong("round-cpu-millicores"), help: "Round CPU recommendations up to a multiple of this many millicores.")
    var roundCPUMillicores: Int64 = 1

    @Option(name: .customLong("round-memory-bytes"), help: "Round memory recommendations up to a multiple of this many bytes.")
    var roundMemoryBytes: Int64 = 1

    @Flag(name: .customLong("humanize-memory"),
          help: "Round memory recommendations to two decimals of Ki/Mi/Gi/Ti (deprecated upstream; prefer --round-memory-bytes).")
    var humanizeMemory = false

    @Option(name: .customLong("recommender-name"),
            help: "Recommend for the VPAs whose spec.recommenders name this (\"default\" also takes those naming none).")
    var recommenderName = VPAObservation.defaultRecommenderName

    @Option(name: .customLong("feature-gates"),
            help: ArgumentHelp("Upstream VPA feature gates, e.g. PerVPAConfig=true (honour the container policies' oomBumpUpRatio, "
                               + "oomMinBumpUp and memory aggregation settings).", valueName: "gate=bool,…"))
    var featureGates = ""

    /// Where recommendations go besides the store.
    enum Publish: String, ExpressibleByArgument, CaseIterable {
        /// The store only (RecommendationPublished).
        case store
        /// The store, and each VPA's status through the Kubernetes API.
        case api
    }

    @Option(name: .long, help: "store: publish recommendations to the store only; api: also write them to each VPA's status through the Kubernetes API.")
    var publish: Publish = .store

    @OptionGroup(title: "Kubernetes API (--publish api, --leader-elect)")
    var kubernetes: KubernetesOptions

    @OptionGroup(title: "Leader election")
    var leaderElection: LeaderElectionOptions

    @OptionGroup(title: "Metrics and probes")
    var health: HealthOptions

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        for (name, value) in [("--target-cpu-percentile", targetCPUPercentile),
                              ("--recommendation-lower-bound-cpu-percentile", lowerBoundCPUPercentile),
                              ("--recommendation-upper-bound-cpu-percentile", upperBoundCPUPercentile),
                              ("--target-memory-percentile", targetMemoryPercentile),
                              ("--recommendation-lower-bound-memory-percentile", lowerBoundMemoryPercentile),
                              ("--recommendation-upper-bound-memory-percentile", upperBoundMemoryPercentile)]
            where !(value > 0 && value <= 1) {
            throw ValidationError("\(name) must be a fraction in (0, 1], such as 0.9; it is \(value)")
        }
        for (name, value) in [("--recommendation-margin-fraction", recommendationMarginFraction),
                              ("--pod-recommendation-min-cpu-millicores", podRecommendationMinCPUMillicores),
                              ("--pod-recommendation-min-memory-mb", podRecommendationMinMemoryMB),
                              ("--oom-min-bump-up-bytes", oomMinBumpUpBytes)] where !(value >= 0 && value.isFinite) {
            throw ValidationError("\(name) must be a number ≥ 0; it is \(value)")
        }
        if !(oomBumpUpRatio >= 1 && oomBumpUpRatio.isFinite) {
            throw ValidationError("--oom-bump-up-ratio must be at least 1; it is \(oomBumpUpRatio)")
        }
        for (name, value) in [("--confidence-interval-cpu", confidenceIntervalCPU),
                              ("--confidence-interval-memory", confidenceIntervalMemory),
                              ("--cpu-histogram-decay-half-life", cpuHistogramDecayHalfLife),
                              ("--memory-histogram-decay-half-life", memoryHistogramDecayHalfLife),
                              ("--memory-aggregation-interval", memoryAggregationInterval)] where value <= .zero {
            throw ValidationError("\(name) must be a positive duration, such as 1m or 24h")
        }
        if memoryAggregationIntervalCount < 1 {
            throw ValidationError("--memory-aggregation-interval-count must be at least 1")
        }
        if checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1") }
        for (name, value) in [("--round-cpu-millicores", roundCPUMillicores), ("--round-memory-bytes", roundMemoryBytes)] where value < 1 {
            throw ValidationError("\(name) must be at least 1 (1 = no rounding); it is \(value)")
        }
        _ = try RecommenderFeatureGates(parsing: featureGates)
    }

    /// The recommender's tunables from the flags.
    var recommenderConfiguration: RecommenderConfiguration {
        var configuration = RecommenderConfiguration()
        configuration.recommendationMarginFraction = recommendationMarginFraction
        configuration.podRecommendationMinCPUMillicores = podRecommendationMinCPUMillicores
        configuration.podRecommendationMinMemoryMB = podRecommendationMinMemoryMB
        configuration.targetCPUPercentile = targetCPUPercentile
        configuration.recommendationLowerBoundCPUPercentile = lowerBoundCPUPercentile
        configuration.recommendationUpperBoundCPUPercentile = upperBoundCPUPercentile
        configuration.targetMemoryPercentile = targetMemoryPercentile
        configuration.recommendationLowerBoundMemoryPercentile = lowerBoundMemoryPercentile
        configuration.recommendationUpperBoundMemoryPercentile = upperBoundMemoryPercentile
        configuration.confidenceIntervalCPU = confidenceIntervalCPU
        configuration.confidenceIntervalMemory = confidenceIntervalMemory
        configuration.cpuHistogramDecayHalfLife = cpuHistogramDecayHalfLife
        configuration.memoryHistogramDecayHalfLife = memoryHistogramDecayHalfLife
        configuration.memoryAggregationInterval = memoryAggregationInterval
        configuration.memoryAggregationIntervalCount = memoryAggregationIntervalCount
        configuration.oomBumpUpRatio = oomBumpUpRatio
        configuration.oomMinBumpUpBytes = oomMinBumpUpBytes
        configuration.containerRecommendationMaxAllowedCPUMillicores = maxAllowedCPU?.milliValue
        configuration.containerRecommendationMaxAllowedMemoryBytes = maxAllowedMemory?.value
        configuration.roundCPUMillicores = roundCPUMillicores
        configuration.roundMemoryBytes = roundMemoryBytes
        configuration.humanizeMemory = humanizeMemory
        configuration.perVPAConfig = (try? RecommenderFeatureGates(parsing: featureGates))?.perVPAConfig ?? false
        return configuration
    }

    func run() async throws {
        var runnerConfiguration = RecommenderRunnerConfiguration(recommender: recommenderConfiguration, clock: nowFromLog ? .log : .wall,
                                                                 checkpointEveryLoops: checkpointEvery)
        runnerConfiguration.recommenderName = recommenderName
        try await loop.run(name: "vpa-recommender", needsAPI: publish == .api, storeTLS: storeTLS, kubernetes: kubernetes,
                           leaderElection: leaderElection, health: health, logging: logging,
                           runner: { store, api, logger in
                               RecommenderRunner(store: store, configuration: runnerConfiguration,
                                                 statusWriter: publish == .api ? api.map { VPAStatusWriter(api: $0) } : nil,
                                                 logger: logger)
                           },
                           record: { RecommenderMetrics(factory: $0.factory).record })
    }
}

extension RecommenderRunner: LoopingRunner {}
