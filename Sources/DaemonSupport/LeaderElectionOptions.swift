import KubernetesAPI
import ArgumentParser
import LeaderElection
import Logging

/// `--leader-elect` and its settings, with client-go's (and upstream VPA's) defaults.
public struct LeaderElectionOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Act only while holding a coordination.k8s.io/v1 Lease, so that one replica acts at a time.",
        discussion: "Needs the Kubernetes API (--kubeconfig, --context or in-cluster) and RBAC get, create and update on leases."))
    public var leaderElect = false

    @Option(name: .customLong("leader-elect-lease-name"),
            help: ArgumentHelp("The Lease's name (default: the command's name).", valueName: "name"))
    public var leaseName: String?

    @Option(name: .customLong("leader-elect-namespace"), help: ArgumentHelp("The Lease's namespace.", valueName: "namespace"))
    public var namespace: String = "kube-system"

    @Option(name: .customLong("leader-elect-lease-duration"),
            help: ArgumentHelp("How long others wait after the leader's last renewal before taking over (default: 15s).",
                               valueName: "duration"),
            transform: DaemonCommandLine.parseDuration)
    public var leaseDuration: Duration = .seconds(15)

    @Option(name: .customLong("leader-elect-renew-deadline"),
            help: ArgumentHelp("How long the leader tries to renew before it stops acting (default: 10s).", valueName: "duration"),
            transform: DaemonCommandLine.parseDuration)
    public var renewDeadline: Duration = .seconds(10)

    @Option(name: .customLong("leader-elect-retry-period"),
            help: ArgumentHelp("Time between attempts to acquire or renew the lease (default: 2s).", valueName: "duration"),
            transform: DaemonCommandLine.parseDuration)
    public var retryPeriod: Duration = .seconds(2)

    public init() {}

    /// The durations.
    public var timings: LeaderElectionTimings {
        LeaderElectionTimings(leaseDuration: leaseDuration, renewDeadline: renewDeadline, retryPeriod: retryPeriod)
    }

    public func validate() throws {
        do throws(LeaderElectionError) {
            try timings.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The candidate, talking to `api`, for the Lease `--leader-elect-lease-name` (else
    /// `defaultLeaseName`); nil without `--leader-elect`.
    public func elector(api: any KubernetesRequestSending, defaultLeaseName: String, logger: Logger) throws -> LeaderElector? {
        guard leaderElect else { return nil }
        do throws(LeaderElectionError) {
            return try LeaderElector(api: api, namespace: namespace, leaseName: leaseName ?? defaultLeaseName,
                                     timings: timings, logger: logger)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
