/// `spec.updatePolicy.updateMode` of a VerticalPodAutoscaler (upstream
/// pkg/apis/autoscaling.k8s.io/v1/types.go). Unset means `Recreate` (pkg/utils/vpa/api.go
/// `GetUpdateMode`); `Auto` is deprecated and behaves as `Recreate`.
public enum VPAUpdateMode: String, Hashable, Sendable, CaseIterable, Codable {
    case off = "Off"
    case initial = "Initial"
    case recreate = "Recreate"
    case inPlaceOrRecreate = "InPlaceOrRecreate"
    case inPlace = "InPlace"
    case auto = "Auto"

    /// The mode the updater acts on: `Auto` is `Recreate` upstream.
    public var effective: VPAUpdateMode { self == .auto ? .recreate : self }
}

/// One entry of `spec.resourcePolicy.containerPolicies`.
public struct ContainerResourcePolicy: Hashable, Sendable, Codable {
    /// The container's name, or "*" for every container without its own entry.
    public var containerName: String
    /// `mode: Off` turns recommendations off for the container.
    public var scalingOff: Bool
    public var minAllowed: ResourceList
    public var maxAllowed: ResourceList
    /// `controlledResources`: the resources recommended; nil = cpu and memory (upstream's default).
    public var controlledResources: [ControlledResource]?
    /// `controlledValues`; nil = `RequestsAndLimits`.
    public var controlledValues: ContainerControlledValues?
    /// `oomBumpUpRatio` (per-VPA configuration); nil = `--oom-bump-up-ratio`.
    public var oomBumpUpRatio: Double?
    /// `oomMinBumpUp` in bytes; nil = `--oom-min-bump-up-bytes`.
    public var oomMinBumpUpBytes: Int64?
    /// `memoryAggregationIntervalSeconds`; nil = `--memory-aggregation-interval`.
    public var memoryAggregationIntervalSeconds: Int64?
    /// `memoryAggregationIntervalCount`; nil = `--memory-aggregation-interval-count`.
    public var memoryAggregationIntervalCount: Int64?

    public init(containerName: String, scalingOff: Bool = false, minAllowed: ResourceList = ResourceList(),
                maxAllowed: ResourceList = ResourceList(), controlledResources: [ControlledResource]? = nil,
                controlledValues: ContainerControlledValues? = nil, oomBumpUpRatio: Double? = nil,
                oomMinBumpUpBytes: Int64? = nil, memoryAggregationIntervalSeconds: Int64? = nil,
                memoryAggregationIntervalCount: Int64? = nil) {
        self.containerName = containerName
        self.scalingOff = scalingOff
        self.minAllowed = minAllowed
        self.maxAllowed = maxAllowed
        self.controlledResources = controlledResources
        self.controlledValues = controlledValues
        self.oomBumpUpRatio = oomBumpUpRatio
        self.oomMinBumpUpBytes = oomMinBumpUpBytes
        self.memoryAggregationIntervalSeconds = memoryAggregationIntervalSeconds
        self.memoryAggregationIntervalCount = memoryAggregationIntervalCount
    }

    /// Whether the policy lets the VPA recommend `resource` (upstream `IsControlledResource`).
    public func controls(_ resource: ControlledResource) -> Bool {
        controlledResources?.contains(resource) ?? true
    }
}

/// A VerticalPodAutoscaler object as observed (`kubectl get vpa -A -o json`), reduced to what the
/// recommender and updater read.
public struct VPAObservation: Hashable, Sendable, Codable {
    public var namespace: String
    public var name: String
    public var uid: String?
    /// `spec.targetRef`: the controller whose pods the VPA manages.
    public var targetKind: String
    public var targetName: String
    public var updateMode: VPAUpdateMode
    /// `spec.updatePolicy.minReplicas`; nil = the updater's `--min-replicas`.
    public var minReplicas: Int?
    public var containerPolicies: [ContainerResourcePolicy]
    /// `spec.updatePolicy.evictAfterOOMSeconds`; nil = the updater's quick-OOM window (10 minutes).
    public var evictAfterOOMSeconds: Int64?
    /// `spec.updatePolicy.evictionRequirements`; nil when the VPA has none.
    public var evictionRequirements: [EvictionRequirement]?
    /// `spec.recommenders[].name`; nil when the VPA names none (the default recommender's).
    public var recommenders: [String]?

    public init(namespace: String, name: String, uid: String? = nil, targetKind: String, targetName: String,
                updateMode: VPAUpdateMode = .recreate, minReplicas: Int? = nil,
                containerPolicies: [ContainerResourcePolicy] = [], recommenders: [String]? = nil,
                evictAfterOOMSeconds: Int64? = nil, evictionRequirements: [EvictionRequirement]? = nil) {
        self.recommenders = recommenders?.isEmpty == true ? nil : recommenders
        self.evictAfterOOMSeconds = evictAfterOOMSeconds
        self.evictionRequirements = evictionRequirements?.isEmpty == true ? nil : evictionRequirements
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.targetKind = targetKind
        self.targetName = targetName
        self.updateMode = updateMode
        self.minReplicas = minReplicas
        self.containerPolicies = containerPolicies
    }

    /// The policy that applies to `container`: its own entry, else "*", else none.
    public func policy(for container: String) -> ContainerResourcePolicy? {
        containerPolicies.first { $0.containerName == container } ?? containerPolicies.first { $0.containerName == "*" }
    }
}

/// The recommendation for one container (upstream `RecommendedContainerResources`).
public struct ContainerRecommendation: Hashable, Sendable, Codable {
    public var container: String
    public var target: ResourceList
    public var lowerBound: ResourceList
    public var upperBound: ResourceList
    /// The target before capping to the container policy's min/max allowed.
    public var uncappedTarget: ResourceList

    public init(container: String, target: ResourceList, lowerBound: ResourceList, upperBound: ResourceList,
                uncappedTarget: ResourceList) {
        self.container = container
        self.target = target
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.uncappedTarget = uncappedTarget
    }
}

/// Resource usage of a pod's containers over one window, as the metrics API reports it: one
/// recommender input sample per container. The pod is the event stream's (or the observation's).
public struct UsageSample: Hashable, Sendable, Codable {
    /// One container's usage.
    public struct Container: Hashable, Sendable, Codable {
        public var name: String
        /// CPU usage in millicores, rounded up (the API reports nanocores).
        public var cpuMillicores: Int64
        /// Memory working set in bytes.
        public var memoryBytes: Int64

        public init(name: String, cpuMillicores: Int64, memoryBytes: Int64) {
            self.name = name
            self.cpuMillicores = cpuMillicores
            self.memoryBytes = memoryBytes
        }
    }

    /// The end of the window the usage was measured over.
    public var at: Timestamp
    /// The window's length.
    public var windowMilliseconds: Int64
    public var containers: [Container]

    public init(at: Timestamp, windowMilliseconds: Int64, containers: [Container]) {
        self.at = at
        self.windowMilliseconds = windowMilliseconds
        self.containers = containers
    }
}

/// What one run of the usage retention removed: every `UsageSampled` event whose window ended
/// before `before`. Their positions stay empty in the log; this marker accounts for them.
public struct UsageExpiry: Hashable, Sendable, Codable {
    /// Samples whose window ended before this time are gone.
    public var before: Timestamp
    /// How many `UsageSampled` events were removed.
    public var eventsRemoved: Int64

    public init(before: Timestamp, eventsRemoved: Int64) {
        self.before = before
        self.eventsRemoved = eventsRemoved
    }
}

/// One pod's usage as read from `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` (a PodMetrics).
public struct UsageObservation: Hashable, Sendable, Codable {
    public var namespace: String
    public var pod: String
    public var sample: UsageSample

    public init(namespace: String, pod: String, sample: UsageSample) {
        self.namespace = namespace
        self.pod = pod
        self.sample = sample
    }
}

/// A recommendation for all of a VPA's containers, as the recommender publishes it.
public struct PublishedRecommendation: Hashable, Sendable, Codable {
    public var containers: [ContainerRecommendation]
    /// Who published it ("vpa-recommender").
    public var recommender: String

    public init(containers: [ContainerRecommendation], recommender: String = "vpa-recommender") {
        self.containers = containers
        self.recommender = recommender
    }
}

/// What the updater decided for one pod.
public struct UpdaterDecisionRecord: Hashable, Sendable, Codable {
    public enum Action: String, Hashable, Sendable, CaseIterable, Codable {
        case resizeInPlace = "resize_in_place"
        case evict
        case wait
        case none
    }

    public var action: Action
    /// Why, for a person.
    public var reason: String
    /// The VPA ("namespace/name") the pod is under, and its mode at the decision.
    public var vpa: String
    public var updateMode: VPAUpdateMode

    public init(action: Action, reason: String, vpa: String, updateMode: VPAUpdateMode) {
        self.action = action
        self.reason = reason
        self.vpa = vpa
        self.updateMode = updateMode
    }
}
