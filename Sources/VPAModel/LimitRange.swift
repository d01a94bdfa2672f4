/// A core/v1 `LimitRange` as observed (`kubectl get limitranges -A -o json`), reduced to what VPA
/// capping reads: the CPU and memory bounds of its `Container` and `Pod` items (upstream
/// pkg/utils/limitrange/limit_range_calculator.go).
public struct LimitRangeObservation: Hashable, Sendable, Codable {
    /// One entry of `spec.limits`.
    public struct Item: Hashable, Sendable, Codable {
        /// `Container` or `Pod`; items of other types (`PersistentVolumeClaim`) are dropped when decoded.
        public var type: LimitType
        public var min: ResourceList
        public var max: ResourceList
        /// `default`: the limit a container without one gets.
        public var defaultLimit: ResourceList

        public init(type: LimitType, min: ResourceList = ResourceList(), max: ResourceList = ResourceList(),
                    defaultLimit: ResourceList = ResourceList()) {
            self.type = type
            self.min = min
            self.max = max
            self.defaultLimit = defaultLimit
        }
    }

    /// The `type` of a LimitRange item VPA reads.
    public enum LimitType: String, Hashable, Sendable, CaseIterable, Codable {
        case container = "Container"
        case pod = "Pod"
    }

    public var namespace: String
    public var name: String
    public var items: [Item]

    public init(namespace: String, name: String, items: [Item]) {
        self.namespace = namespace
        self.name = name
        self.items = items
    }
}

extension LimitRangeObservation.Item {
    /// The bounds of every LimitRange of a namespace for one item type, combined as upstream's
    /// `getLimitRangeItem` combines them: the lowest `max` and the highest `min` per resource, and
    /// the `default` of the last item that has one. Nil when no item of `type` sets any of them.
    ///
    /// Items are taken in the order given; upstream takes the lister's order, so a namespace with
    /// two defaults has no defined winner there either.
    public static func combined(_ ranges: [LimitRangeObservation], namespace: String,
                                type: LimitRangeObservation.LimitType) -> Self? {
        var result: Self?
        for range in ranges where range.namespace == namespace {
            for item in range.items where item.type == type && !(item.min.isEmpty && item.max.isEmpty && item.defaultLimit.isEmpty) {
                var combined = result ?? Self(type: type)
                if !item.defaultLimit.isEmpty { combined.defaultLimit = item.defaultLimit }
                combined.max = ResourceList(cpuMillicores: pick(combined.max.cpuMillicores, item.max.cpuMillicores, Swift.min),
                                            memoryBytes: pick(combined.max.memoryBytes, item.max.memoryBytes, Swift.min))
                combined.min = ResourceList(cpuMillicores: pick(combined.min.cpuMillicores, item.min.cpuMillicores, Swift.max),
                                            memoryBytes: pick(combined.min.memoryBytes, item.min.memoryBytes, Swift.max))
                result = combined
            }
        }
        return result
    }

    private static func pick(_ current: Int64?, _ new: Int64?, _ chooser: (Int64, Int64) -> Int64) -> Int64? {
        guard let new else { return current }
        guard let current else { return new }
        return chooser(current, new)
    }
}

/// `controlledValues` of a container policy (upstream `ContainerControlledValues`): whether the VPA
/// sets requests only, or requests and limits keeping their ratio (the default).
public enum ContainerControlledValues: String, Hashable, Sendable, CaseIterable, Codable {
    case requestsAndLimits = "RequestsAndLimits"
    case requestsOnly = "RequestsOnly"
}

/// A resource a container policy's `controlledResources` may name.
public enum ControlledResource: String, Hashable, Sendable, CaseIterable, Codable {
    case cpu
    case memory
}

/// One entry of `spec.updatePolicy.evictionRequirements` (upstream `EvictionRequirement`): the
/// updater evicts (or resizes) a pod only when, for the named resources, the target moved in the
/// given direction from the pod's requests.
public struct EvictionRequirement: Hashable, Sendable, Codable {
    /// `changeRequirement`.
    public enum Change: String, Hashable, Sendable, CaseIterable, Codable {
        case targetHigherThanRequests = "TargetHigherThanRequests"
        case targetLowerThanRequests = "TargetLowerThanRequests"
    }

    public var resources: [ControlledResource]
    public var change: Change

    public init(resources: [ControlledResource], change: Change) {
        self.resources = resources
        self.change = change
    }
}

extension VPAObservation {
    /// The recommender name upstream's recommender has unless `--recommender-name` says otherwise.
    public static let defaultRecommenderName = "default"

    /// Whether the recommender called `name` recommends for this VPA (upstream
    /// pkg/recommender/input/cluster_feeder.go `filterVPAs`): the default recommender takes the VPAs
    /// that name no recommender and those that name it; another takes only those that name it.
    public func isHandled(byRecommender name: String) -> Bool {
        let names = recommenders ?? []
        if names.contains(name) { return true }
        return name == Self.defaultRecommenderName && names.isEmpty
    }
}

/// An upstream recommender's `VerticalPodAutoscalerCheckpoint` (`kubectl get
/// verticalpodautoscalercheckpoints -A -o json`): one container's saved histories, to start from
/// when switching to vpa-store.
public struct UpstreamCheckpointObservation: Hashable, Sendable, Codable {
    public var namespace: String
    /// `spec.vpaObjectName`.
    public var vpaName: String
    /// `spec.containerName`.
    public var containerName: String
    public var checkpoint: ContainerCheckpoint

    public init(namespace: String, vpaName: String, containerName: String, checkpoint: ContainerCheckpoint) {
        self.namespace = namespace
        self.vpaName = vpaName
        self.containerName = containerName
        self.checkpoint = checkpoint
    }
}
