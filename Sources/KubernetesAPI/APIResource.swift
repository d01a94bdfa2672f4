/// A kind of object the API serves, and where: group, version, plural name.
public struct APIResource: Hashable, Sendable, CustomStringConvertible {
    /// The API group; empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    /// The plural resource name in paths (`pods`, `verticalpodautoscalers`).
    public var plural: String
    /// The kind of one object (`Pod`), which list items may omit.
    public var kind: String
    /// False for resources that can only be listed (PodMetrics).
    public var watchable: Bool

    /// A resource.
    public init(group: String, version: String, plural: String, kind: String, watchable: Bool = true) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.watchable = watchable
    }

    public static let pods = APIResource(group: "", version: "v1", plural: "pods", kind: "Pod")
    public static let events = APIResource(group: "", version: "v1", plural: "events", kind: "Event")
    public static let limitRanges = APIResource(group: "", version: "v1", plural: "limitranges", kind: "LimitRange")
    public static let verticalPodAutoscalers = APIResource(group: "autoscaling.k8s.io", version: "v1",
                                                           plural: "verticalpodautoscalers", kind: "VerticalPodAutoscaler")
    public static let podMetrics = APIResource(group: "metrics.k8s.io", version: "v1beta1", plural: "pods",
                                               kind: "PodMetrics", watchable: false)
    public static let leases = APIResource(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease")

    /// `/api/v1` or `/apis/GROUP/VERSION`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection: all namespaces when `namespace` is nil.
    public func collectionPath(namespace: String?) -> String {
        guard let namespace else { return "\(groupVersionPath)/\(plural)" }
        return "\(groupVersionPath)/namespaces/\(namespace)/\(plural)"
    }

    /// One object, or one of its subresources (`resize`, `eviction`, `status`).
    public func objectPath(namespace: String, name: String, subresource: String? = nil) -> String {
        var path = "\(collectionPath(namespace: namespace))/\(name)"
        if let subresource { path += "/\(subresource)" }
        return path
    }

    /// `pods`, `verticalpodautoscalers.autoscaling.k8s.io`: as RBAC and kubectl name it.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}
