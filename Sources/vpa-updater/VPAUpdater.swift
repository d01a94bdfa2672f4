import ArgumentParser
import DaemonSupport
import Foundation
import KubernetesAPI
import LeaderElection
import Logging
import StoreAPI
import StoreRPC
import Updater
import UpdaterRunner
import VPAModel

/// `vpa-updater`: upstream VPA's updater over a vpa-store server. The work is in `UpdaterRunner`;
/// this is the command line around it.
@main
struct VPAUpdater: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpa-updater",
        abstract: "Decide in-place resizes and evictions from the VPAs and pods in a vpa-store server.",
        discussion: """
            Each loop reads the VPAs (with their recommendations) and live pods (with actual resources and durable \
            resize state) from the store, decides per pod as upstream VPA's updater does, and appends an \
            UpdaterDecision for every pod whose decision changed (a ResizeRequested first for an in-place resize). \
            With --actuate api it also patches the pods' resize subresource and posts Evictions through the \
            Kubernetes API (an eviction a PodDisruptionBudget refuses is recorded as a wait); with --actuate kubectl \
            it runs kubectl patch and kubectl delete instead; with --actuate none (the default) it only records, and \
            a simulator or a person applies. A resize or eviction already sent is not sent again until the store \
            shows its result or --resend-after passes. With --leader-elect, only the replica holding the Lease acts. \
            Prints one line per loop on standard output; logs go to standard error. SIGTERM or SIGINT stops it (a \
            loop cut short is resumed by the next start).
            """,
        version: VPAStoreVersion.current)

    /// What the updater does besides recording its decisions.
    enum Actuation: String, ExpressibleByArgument, CaseIterable {
        /// Record only.
        case none
        /// `kubectl patch pod … --subresource resize` and `kubectl delete pod`.
        case kubectl
        /// PATCH `pods/NAME/resize` and POST `pods/NAME/eviction` through the Kubernetes API.
        case api
    }

    @OptionGroup
    var loop: RunnerOptions

    @OptionGroup(title: "TLS to the store")
    var storeTLS: StoreTLSOptions

    @Flag(name: .long, help: ArgumentHelp(
        "Take \"now\" from the log instead of the machine's clock.",
        discussion: "Now is the latest occurredAt among the log's last events: for a simulated cluster on a fast clock."))
    var nowFromLog = false

    @Option(name: .long, help: "How long a resize may stay Deferred before InPlaceOrRecreate evicts (default: 5m).",
            transform: DaemonCommandLine.parseDuration)
    var deferredTimeout: Duration = .seconds(5 * 60)

    @Option(name: .long, help: "How long a resize may stay in progress before InPlaceOrRecreate evicts (default: 1h).",
            transform: DaemonCommandLine.parseDuration)
    var inProgressTimeout: Duration = .seconds(3600)

    @Option(name: .long, help: "Replica groups with fewer live pods are left alone (a VPA's minReplicas overrides).")
    var minReplicas: Int = 2

    @Option(name: .long, help: "Fraction of a group's replicas that may be disrupted in one loop.")
    var evictionTolerance: Double = 0.5

    @Option(name: .long, help: "Least summed relative change worth an update inside the recommended range.")
    var podUpdateThreshold: Double = 0.1

    @Option(name: .customLong("in-recommendation-bounds-eviction-lifetime-threshold"),
            help: "A pod inside the recommended range is updated only after running (or last resizing) this long (default: 12h).",
            transform: DaemonCommandLine.parseDuration)
    var lifetimeThreshold: Duration = .seconds(12 * 3600)

    @Option(name: .customLong("evict-after-oom-threshold"),
            help: "An OOM kill sooner than this after the container started makes an update wanted (default: 10m).",
            transform: DaemonCommandLine.parseDuration)
    var evictAfterOOMThreshold: Duration = .seconds(10 * 60)

    @Option(name: .long, help: "none: record decisions only; api: also resize and evict through the Kubernetes API; kubectl: with kubectl.")
    var actuate: Actuation = .none

    @Option(name: .long, help: ArgumentHelp("The kubectl to run with --actuate kubectl.", valueName: "path"))
    var kubectl: String = "kubectl"

    @Option(name: .long, help: ArgumentHelp(
        "How long a resize or eviction already sent waits for its result in the store before it is sent again (default: 1m).",
        discussion: "Measured on the updater's clock (the log's with --now-from-log). A resize with other targets is sent at once.",
        valueName: "duration"),
            transform: DaemonCommandLine.parseDuration)
    var resendAfter: Duration = .seconds(60)

    @OptionGroup(title: "Kubernetes API (--actuate api, --actuate kubectl, --leader-elect)")
    var kubernetes: KubernetesOptions

    @OptionGroup(title: "Leader election")
    var leaderElection: LeaderElectionOptions

    @OptionGroup(title: "Metrics and probes")
    var health: HealthOptions

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        for (name, value) in [("--deferred-timeout", deferredTimeout), ("--resend-after", resendAfter),
                              ("--in-progress-timeout", inProgressTimeout),
                              ("--evict-after-oom-threshold", evictAfterOOMThreshold),
                              ("--in-recommendation-bounds-eviction-lifetime-threshold", lifetimeThreshold)]
            where value <= .zero {
            throw ValidationError("\(name) must be a positive duration, such as 5m or 1h")
        }
        if minReplicas < 1 { throw ValidationError("--min-replicas must be at least 1") }
        if !(evictionTolerance >= 0 && evictionTolerance <= 1) {
            throw ValidationError("--eviction-tolerance must be a fraction in [0, 1], such as 0.5")
        }
        if !(podUpdateThreshold >= 0 && podUpdateThreshold.isFinite) {
            throw ValidationError("--pod-update-threshold must be a number ≥ 0, such as 0.1")
        }
    }

    /// The rules' settings from the flags.
    var plannerConfiguration: UpdaterConfiguration {
        UpdaterConfiguration(minReplicas: minReplicas, evictionTolerance: evictionTolerance,
                             podUpdateThreshold: podUpdateThreshold,
                             podLifetimeUpdateThreshold: lifetimeThreshold, evictAfterOOMThreshold: evictAfterOOMThreshold,
                             resizeTimeouts: ResizeTimeouts(deferred: deferredTimeout, inProgress: inProgressTimeout))
    }

    func run() async throws {
        let configuration = UpdaterRunnerConfiguration(planner: plannerConfiguration, clock: nowFromLog ? .log : .wall,
                                                       resendAfter: resendAfter)
        try await loop.run(name: "vpa-updater", needsAPI: actuate == .api, storeTLS: storeTLS, kubernetes: kubernetes,
                           leaderElection: leaderElection, health: health, logging: logging,
                           runner: { store, api, logger in
                               let actuator: (any PodActuator)?
                               switch actuate {
                               case .none: actuator = nil
                               case .kubectl: actuator = KubectlActuator(executable: kubectl, globalArguments: kubernetes.kubectlArguments)
                               case .api: actuator = api.map { APIActuator(api: $0) }
                               }
                               return UpdaterRunner(store: store, configuration: configuration, actuator: actuator, logger: logger)
                           },
                           record: { UpdaterMetrics(factory: $0.factory).record })
    }
}

extension UpdaterRunner: LoopingRunner {}
