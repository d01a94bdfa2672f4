import Recommender
import StoreAPI
import VPAModel

/// How `RecommenderRunner` runs: the algorithm's tunables, the clock, and how often it saves
/// checkpoints.
public struct RecommenderRunnerConfiguration: Hashable, Sendable {
    /// Percentiles, margin, minimums, half-lives, memory intervals, OOM bump (upstream's flags).
    public var recommender: RecommenderConfiguration
    /// Where "now" comes from when `runOnce(now:)` is not given one.
    public var clock: Clock
    /// A `RecommenderCheckpoint` per VPA is written on the first loop and then every this many
    /// loops (`--checkpoint-every`). A restarted recommender re-reads the log from the oldest
    /// checkpoint, so a larger value costs at most that many loops of re-reading and saves log space.
    public var checkpointEveryLoops: Int
    /// Events per `ReadEvents` page (at most `ReadEventsRequest.maximumLimit`).
    public var pageSize: Int
    /// The name published recommendations carry (`PublishedRecommendation.recommender`) and the
    /// prefix of idempotency keys.
    public var name: String
    /// `--recommender-name`: the runner recommends for the VPAs `VPAObservation.isHandled(byRecommender:)`
    /// gives it (upstream's `spec.recommenders`); default "default".
    public var recommenderName = VPAObservation.defaultRecommenderName

    /// Upstream's defaults, the wall clock, a checkpoint every 10 loops.
    public init(recommender: RecommenderConfiguration = RecommenderConfiguration(), clock: Clock = .wall,
                checkpointEveryLoops: Int = 10, pageSize: Int = 10_000, name: String = "vpa-recommender") {
        self.recommender = recommender
        self.clock = clock
        self.checkpointEveryLoops = checkpointEveryLoops
        self.pageSize = pageSize
        self.name = name
    }
}
