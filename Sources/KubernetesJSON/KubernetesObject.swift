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
    /// Anything else, with its kind and why it was skipped: other kinds, Events that are not memory
    /// evictions (including evictions whose annotation lists differ in length, which upstream skips),
    /// watch bookmarks.
    case ignored(kind: String, reason: String)
}
