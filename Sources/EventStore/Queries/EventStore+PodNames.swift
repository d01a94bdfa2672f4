import VPAModel

extension EventStore {
    /// The namespace and name of the pod `stream` holds, from its latest observation; nil for a
    /// stream that is not a pod's or was never observed. Live or not: a deleted pod's name is
    /// still the name its views were published under.
    public func podName(ofStream stream: Int64) -> (namespace: String, name: String)? {
        projection.pods[stream]?.observation.map { ($0.namespace, $0.name) }
    }

    /// The streams of every pod the projection holds (what `podName(ofStream:)` names).
    public var podStreams: [Int64] { Array(projection.pods.keys) }
}
