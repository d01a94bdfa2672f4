import VPAModel

/// How much a pod's requests differ from its recommendation (upstream `PodPriority`,
/// pkg/updater/priority/update_priority_calculator.go), plus the quick-OOM finding.
public struct UpdatePriority: Hashable, Sendable {
    /// Some recommended resource's request is below the lower bound, above the upper bound, or unset.
    public var outsideRecommendedRange: Bool
    /// Some recommended target is above the request, or the request is unset.
    public var scaleUp: Bool
    /// Σ over CPU and memory of |Σ requests − Σ targets| / max(Σ requests, 1), sums over the
    /// containers with a recommendation, in milli-units: the CPU and memory fractions are added.
    public var resourceDiff: Double
    /// Some container was OOM-killed sooner than `--evict-after-oom-threshold` after it started.
    public var quickOOM: Bool

    /// A priority, as given.
    public init(outsideRecommendedRange: Bool, scaleUp: Bool, resourceDiff: Double, quickOOM: Bool) {
        self.outsideRecommendedRange = outsideRecommendedRange
        self.scaleUp = scaleUp
        self.resourceDiff = resourceDiff
        self.quickOOM = quickOOM
    }

    /// Whether a pod with this priority is updated before one with `other`: scale-ups first, then
    /// the larger `resourceDiff` (upstream `PodPriority.Less`, reversed).
    public func outranks(_ other: UpdatePriority) -> Bool {
        if scaleUp != other.scaleUp { return scaleUp }
        return resourceDiff > other.resourceDiff
    }
}

extension UpdatePriority {
    /// Upstream `defaultPriorityProcessor.GetUpdatePriority` (pkg/updater/priority/priority_processor.go)
    /// over the pod's actual (status-first) requests.
    ///
    /// Only resources present in a target count; a request for a resource the target lacks is ignored.
    init(containers: [RecommendedContainer], quickOOM: Bool) {
        var outside = false
        var scaleUp = false
        var totalRequest: [Resource: Double] = [:]
        var totalRecommended: [Resource: Double] = [:]
        for entry in containers {
            let recommendation = entry.recommendation
            for resource in Resource.allCases {
                guard let target = resource.amount(in: recommendation.target) else { continue }
                totalRecommended[resource, default: 0] += resource.milliValue(target)
                guard let request = resource.amount(in: entry.container.actual.requests) else {
                    scaleUp = true
                    outside = true
                    continue
                }
                totalRequest[resource, default: 0] += resource.milliValue(request)
                if target > request { scaleUp = true }
                if let lower = resource.amount(in: recommendation.lowerBound), request < lower { outside = true }
                if let upper = resource.amount(in: recommendation.upperBound), request > upper { outside = true }
            }
        }
        var diff = 0.0
        // Fixed resource order so the floating-point sum does not depend on dictionary order.
        for resource in Resource.allCases {
            guard let recommended = totalRecommended[resource] else { continue }
            let request = max(totalRequest[resource] ?? 0, 1)
            diff += abs(request - recommended) / request
        }
        self.init(outsideRecommendedRange: outside, scaleUp: scaleUp, resourceDiff: diff, quickOOM: quickOOM)
    }
}
