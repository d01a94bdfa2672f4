/// A resource the simulated API server serves: its group, version, names and verbs, for routing,
/// discovery documents and Status details.
struct ResourceType: Hashable, Sendable {
    /// A subresource as discovery lists it (`pods/resize`).
    struct Subresource: Hashable, Sendable {
        var name: String
        var kind: String
        var verbs: [String]
        /// The group/version of the subresource's kind when it differs from the resource's (`Eviction` is policy/v1).
        var group: String?
        var version: String?
    }

    /// `""` for the core group.
    var group: String
    var version: String
    /// The plural resource name in URLs (`pods`).
    var plural: String
    var singular: String
    var kind: String
    var shortNames: [String] = []
    var verbs: [String]
    var subresources: [Subresource] = []
    /// False for resources served only as lists (metrics).
    var isVersioned = true

    /// `v1`, or `group/version`.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `pods`, or `leases.coordination.k8s.io`, as API server messages name resources.
    var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// The kind of the list (`PodList`).
    var listKind: String { kind + "List" }

    /// A Status's `details` for an object of this resource.
    func details(name: String) -> JSON {
        var details = JSONObjectBuilder()
        details["name"] = .string(name)
        details["group"] = group.isEmpty ? nil : .string(group)
        details["kind"] = .string(plural)
        return details.json
    }

    private static let readWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    static let pods = ResourceType(
        group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", shortNames: ["po"], verbs: readWrite,
        subresources: [Subresource(name: "resize", kind: "Pod", verbs: ["get", "patch", "update"]),
                       Subresource(name: "eviction", kind: "Eviction", verbs: ["create"], group: "policy", version: "v1"),
                       Subresource(name: "status", kind: "Pod", verbs: ["get", "patch", "update"])])
    static let events = ResourceType(group: "", version: "v1", plural: "events", singular: "event", kind: "Event",
                                     shortNames: ["ev"], verbs: readWrite)
    static let limitRanges = ResourceType(group: "", version: "v1", plural: "limitranges", singular: "limitrange",
                                          kind: "LimitRange", shortNames: ["limits"], verbs: readWrite)
    static let verticalPodAutoscalers = ResourceType(
        group: "autoscaling.k8s.io", version: "v1", plural: "verticalpodautoscalers", singular: "verticalpodautoscaler",
        kind: "VerticalPodAutoscaler", shortNames: ["vpa"], verbs: readWrite,
        subresources: [Subresource(name: "status", kind: "VerticalPodAutoscaler", verbs: ["get", "patch", "update"])])
    static let leases = ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease",
                                     kind: "Lease", verbs: readWrite)
    static let podMetrics = ResourceType(group: "metrics.k8s.io", version: "v1beta1", plural: "pods", singular: "",
                                         kind: "PodMetrics", verbs: ["get", "list"], isVersioned: false)
    static let nodeMetrics = ResourceType(group: "metrics.k8s.io", version: "v1beta1", plural: "nodes", singular: "",
                                          kind: "NodeMetrics", verbs: ["get", "list"], isVersioned: false)

    /// Every resource, by group/version, in discovery order.
    static let all: [ResourceType] = [.pods, .events, .limitRanges, .verticalPodAutoscalers, .podMetrics, .nodeMetrics, .leases]

    /// The versioned resources the store keeps (list, watch, resourceVersions).
    static let stored: [ResourceType] = [.pods, .events, .limitRanges, .verticalPodAutoscalers, .leases]
}
