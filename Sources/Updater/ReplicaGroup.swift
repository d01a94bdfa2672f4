/// The pods of one controller (ReplicaSet, StatefulSet, …) under a VPA, and the replica count
/// that bounds how many of them may be disrupted at once.
public struct ReplicaGroup: Hashable, Sendable {
    /// The configured replica count: `spec.replicas` of a ReplicaSet, ReplicationController or
    /// StatefulSet, `status.numberReady` of a DaemonSet. `nil` when there is none to read (a Job,
    /// or a controller the caller cannot see): then the number of live pods, as upstream does for
    /// Jobs. Zero is upstream's "has no replicas config": the group is left alone.
    public var configuredReplicas: Int?
    /// The group's live pods.
    public var pods: [PodUnderVPA]

    /// A group, as given.
    public init(configuredReplicas: Int?, pods: [PodUnderVPA]) {
        self.configuredReplicas = configuredReplicas
        self.pods = pods
    }
}

/// Upstream `singleGroupStats` (pkg/updater/restriction/pods_restriction_factory.go): how many pods
/// of a group may still be disrupted in this loop.
struct ReplicaBudget: Sendable {
    let configured: Int
    /// Live pods that are not Pending.
    let running: Int
    /// `int(configured * --eviction-tolerance)`, truncated.
    let tolerance: Int
    /// Pods evicted in this loop (Pending ones are not counted, as upstream `Evict`).
    var evicted = 0
    /// In-place resizes started in this loop.
    var inPlaceInitiated = 0

    init(configured: Int, running: Int, toleranceFraction: Double) {
        self.configured = configured
        self.running = running
        self.tolerance = Int(Double(configured) * toleranceFraction)
    }

    /// Upstream `isPodDisruptable`: more pods alive than must stay alive, or a group running exactly
    /// its configured count with no tolerance and nothing disrupted yet (so a single replica with
    /// `minReplicas: 1` can still be updated, one pod per loop).
    var isPodDisruptable: Bool {
        let shouldBeAlive = configured - tolerance
        let actuallyAlive = running - (evicted + inPlaceInitiated)
        return actuallyAlive > shouldBeAlive
            || (configured == running && tolerance == 0 && evicted == 0 && inPlaceInitiated == 0)
    }

    /// How the budget stands, for reasons.
    var summary: String {
        "\(running) running of \(configured) configured, \(tolerance) may be disrupted, "
            + "\(evicted + inPlaceInitiated) already disrupted this loop"
    }
}
