import VPAModel

extension EventStore {
    /// The namespace and name of the pod `stream` holds, from its latest observation; nil for a
    /// stream that is not a pod's or was never observed. Live or not: a deleted pod's name is
    /// still the name its views were published under.
    public func podKey(ofStream stream: Int64) -> PodKey? {
        projection.pods[stream]?.observation?.key
    }

    /// The streams of every pod the projection holds (what `podKey(ofStream:)` names).
    public var podStreams: [Int64] { Array(projection.pods.keys) }
}
