import VPAModel

/// How many live pods are in one resize state, and how many of them have waited past their timeout.
public struct ResizeStateCount: Hashable, Sendable {
    public var pods: Int
    public var timedOut: Int

    public init(pods: Int = 0, timedOut: Int = 0) {
        self.pods = pods
        self.timedOut = timedOut
    }
}

extension EventStore {
    /// Live pods per resize state (`none` for a pod never resized), each judged at `now` against
    /// `timeouts` as `resizes(state:now:timeouts:)` judges it, in one pass over the in-memory
    /// projection without building a view per pod: what `/metrics` reads at each scrape.
    /// O(pods).
    public func resizeStateCounts(now: Timestamp, timeouts: ResizeTimeouts = ResizeTimeouts()) -> [ResizeState: ResizeStateCount] {
        var counts: [ResizeState: ResizeStateCount] = [:]
        for (_, pod) in projection.pods where pod.live && pod.observation != nil {
            let state = pod.resize.state
            counts[state, default: ResizeStateCount()].pods += 1
            if timeouts.isExceeded(state: state, since: pod.resize.since, now: now) {
                counts[state, default: ResizeStateCount()].timedOut += 1
            }
        }
        return counts
    }
}
