import VPAModel

/// One object found in the input.
public enum KubernetesObject: Hashable, Sendable {
    /// A Pod: a `kind: Pod` document, an item of a `PodList` or `List`, or the object of a watch
    /// event `ADDED` or `MODIFIED`.
    case pod(PodObservation)
    /// The object of a watch event `DELETED` whose object is a Pod: the pod as it was when deleted.
    case podDeleted(PodObservation)
    /// A core/v1 Event with reason `Evicted` about a Pod that names at least one container starved of
    /// memory (annotations `offending_containers`, `offending_containers_usage`, `starved_resource`).
    case eviction(EvictionObservation)
    /// A VerticalPodAutoscaler (autoscaling.k8s.io/v1), from `kubectl get vpa -A -o json|yaml`.
    case vpa(VPAObservation)
    /// The object of a watch event `DELETED` whose object is a VerticalPodAutoscaler.
    case vpaDeleted(VPAObservation)
    /// A PodMetrics (metrics.k8s.io/v1beta1), from `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods`.
    case usage(UsageObservation)
    /// A core/v1 LimitRange, from `kubectl get limitranges -A -o json|yaml`.
    case limitRange(LimitRangeObservation)
    /// The object of a watch event `DELETED` whose object is a LimitRange.
    case limitRangeDeleted(LimitRangeObservation)
    /// An upstream `VerticalPodAutoscalerCheckpoint`, from `kubectl get verticalpodautoscalercheckpoints -A -o json`.
    case upstreamCheckpoint(UpstreamCheckpointObservation)
    /// Anything else, with its kind and why it was skipped: other kinds, Events that are not memory
    /// evictions (including evictions whose annotation lists differ in length, which upstream skips),
    /// watch bookmarks.
    case ignored(kind: String, reason: String)
}

extension KubernetesObject {
    /// What the store ingests for this object; nil for `.ignored`.
    public var observation: Observation? {
        switch self {
        case .pod(let pod): .pod(pod)
        case .podDeleted(let pod): .podDeleted(pod)
        case .eviction(let eviction): .eviction(eviction)
        case .vpa(let vpa): .vpa(vpa)
        case .vpaDeleted(let vpa): .vpaDeleted(vpa)
        case .usage(let usage): .usage(usage)
        case .limitRange(let range): .limitRange(range)
        case .limitRangeDeleted(let range): .limitRangeDeleted(range)
        case .upstreamCheckpoint(let checkpoint): .upstreamCheckpoint(checkpoint)
        case .ignored: nil
        }
    }
}
