import VPAModel

/// What a simulation run did: the cluster's counters and what went to and came from the store.
public struct SimulationSummary: Hashable, Sendable, CustomStringConvertible {
    /// The scenario's start.
    public var start: Timestamp
    /// The simulated time reached.
    public var now: Timestamp
    /// Steps taken.
    public var steps = 0
    /// What happened in the cluster (pods, resizes, OOM kills).
    public var cluster = SimulationCounters()
    /// Observations ingested (VPAs, pods, deletions, usage).
    public var observationsSent = 0
    /// Ingest calls made.
    public var ingestRequests = 0
    /// Events the store appended for them, derived ones included.
    public var eventsAppended = 0
    /// Observations the store set aside: pod observations older than the pod's last one, and usage
    /// of pods it does not have live. Always 0 unless the store is shared with another writer.
    public var observationsSetAside = 0
    /// Resize transitions the store derived.
    public var resizeTransitionsDerived = 0
    /// OOM kills the store derived.
    public var oomKillsDerived = 0
    /// `ResizeRequested` events applied to a pod.
    public var resizeRequestsApplied = 0
    /// Evictions (`UpdaterDecision` evict) applied.
    public var evictionsApplied = 0
    /// Decisions about pods that are gone, not running, or already have the resources asked for.
    public var decisionsIgnored = 0

    /// An empty summary of a run starting at `start`.
    public init(start: Timestamp) {
        self.start = start
        self.now = start
    }

    /// Simulated time covered, in milliseconds.
    public var simulatedMilliseconds: Int64 { now.milliseconds(since: start) }

    /// One line for logs and the command line.
    public var description: String {
        let minutes = simulatedMilliseconds / 60_000
        return """
            simulated \(minutes / 60)h\(String(minutes % 60).leftPadded(to: 2))m in \(steps) steps; \
            pods created \(cluster.podsCreated), evicted \(cluster.podsEvicted), deleted \(cluster.podsDeleted); \
            resizes: vpa \(cluster.vpaResizes), manual \(cluster.manualResizes), completed \(cluster.resizesCompleted), \
            deferred \(cluster.resizesDeferred), infeasible \(cluster.resizesInfeasible), stuck \(cluster.resizesStuck), \
            errored \(cluster.resizesErrored); OOM kills \(cluster.oomKills); \
            observations sent \(observationsSent) in \(ingestRequests) ingests, events appended \(eventsAppended)
            """
    }
}

extension String {
    /// The text with zeros before it up to `length` characters.
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
