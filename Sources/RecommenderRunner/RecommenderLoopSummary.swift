import VPAModel

/// What one recommender loop did.
public struct RecommenderLoopSummary: Hashable, Sendable, CustomStringConvertible {
    /// The loop's number, from 1.
    public var loop: Int
    /// The time the loop recommended and checkpointed at.
    public var now: Timestamp
    /// VPAs the recommender keeps histories for.
    public var vpas: Int
    /// Log events read.
    public var eventsRead: Int
    /// `UsageSampled` events added to a VPA's histories (one per pod and window; each adds a CPU
    /// and a memory sample per container).
    public var samples: Int
    /// `OomKilled` events recorded in a VPA's histories.
    public var ooms: Int
    /// `RecommendationPublished` events appended.
    public var recommendationsPublished: Int
    /// `RecommenderCheckpoint` events appended.
    public var checkpointsWritten: Int
    /// Every event up to this position is in the histories.
    public var consumedPosition: Int64
    /// VPA statuses written through the Kubernetes API (`--publish api`).
    public var statusesWritten: Int
    /// VPA status writes the API refused or did not answer (tried again next loop).
    public var statusWriteFailures: Int

    public init(loop: Int, now: Timestamp, vpas: Int = 0, eventsRead: Int = 0, samples: Int = 0, ooms: Int = 0,
                recommendationsPublished: Int = 0, checkpointsWritten: Int = 0, consumedPosition: Int64 = 0,
                statusesWritten: Int = 0, statusWriteFailures: Int = 0) {
        self.loop = loop
        self.now = now
        self.vpas = vpas
        self.eventsRead = eventsRead
        self.samples = samples
        self.ooms = ooms
        self.recommendationsPublished = recommendationsPublished
        self.checkpointsWritten = checkpointsWritten
        self.consumedPosition = consumedPosition
        self.statusesWritten = statusesWritten
        self.statusWriteFailures = statusWriteFailures
    }

    /// One line, such as `loop 3: 2 VPAs, 480 samples, 1 OOM, 2 recommendations published` (with
    /// `, 2 VPA statuses written` and `, 1 VPA status write failed` when so).
    public var description: String {
        var line = "loop \(loop): \(counted(vpas, "VPA")), \(counted(samples, "sample")), \(counted(ooms, "OOM")), "
            + "\(counted(recommendationsPublished, "recommendation")) published"
        if statusesWritten > 0 { line += ", \(counted(statusesWritten, "VPA status", plural: "VPA statuses")) written" }
        if statusWriteFailures > 0 { line += ", \(counted(statusWriteFailures, "VPA status write")) failed" }
        return line
    }
}
