/// The recommender's saved state for one VPA: its containers' histories and how far into the log
/// they go, appended to the VPA's stream so a restarted recommender continues where it stopped.
public struct RecommenderCheckpoint: Hashable, Sendable, Codable {
    /// One container's history.
    public struct Container: Hashable, Sendable, Codable {
        public var name: String
        public var checkpoint: ContainerCheckpoint

        public init(name: String, checkpoint: ContainerCheckpoint) {
            self.name = name
            self.checkpoint = checkpoint
        }
    }

    /// Every event up to this log position is in the histories.
    public var consumedPosition: Int64
    public var containers: [Container]

    public init(consumedPosition: Int64, containers: [Container]) {
        self.consumedPosition = consumedPosition
        self.containers = containers
    }
}
