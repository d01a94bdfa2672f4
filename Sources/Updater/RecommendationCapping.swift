import VPAModel

/// Upstream's capping recommendation processor (pkg/utils/vpa/capping.go `Apply`) for one pod:
/// the VPA's recommendation adjusted to the namespace's LimitRanges, the container policies'
/// `minAllowed`/`maxAllowed`, and, under `controlledValues: RequestsOnly`, the container's limit.
///
/// Amounts are the model's (millicores, bytes); an amount of 0 is "no bound", as upstream's
/// `maybeCapToMin`/`maybeCapToMax` ignore zero quantities. The containers' requests and limits are
/// their actual ones, status first (upstream `ContainerRequestsAndLimits`).
public struct RecommendationCapping: Sendable {
    /// The namespace's combined `Container` LimitRange item, if any.
    public var containerLimitRange: LimitRangeObservation.Item?
    /// The namespace's combined `Pod` LimitRange item, if any.
    public var podLimitRange: LimitRangeObservation.Item?

    /// Capping with the LimitRanges of `namespace` among `limitRanges`, combined as upstream's
    /// LimitRange calculator combines them.
    public init(limitRanges: [LimitRangeObservation], namespace: String) {
        containerLimitRange = .combined(limitRanges, namespace: namespace, type: .container)
        podLimitRange = .combined(limitRanges, namespace: namespace, type: .pod)
    }

    /// One container's capped recommendation and what capping did to its target, in upstream's
    /// annotation words (`cpu capped to minAllowed`, `memory capped to container limit`, …).
    public struct Capped: Hashable, Sendable {
        public var recommendation: ContainerRecommendation
        public var notes: [String]
    }

    /// The capped recommendations of `containers` (the pod's app containers and sidecars, with
    /// their actual resources), in container order; containers without a recommendation are left out.
    public func apply(_ recommendations: [ContainerRecommendation], vpa: VPAObservation,
                      containers: [ContainerUnderVPA]) -> [String: Capped] {
        var byName: [String: ContainerRecommendation] = [:]
        for recommendation in recommendations where byName[recommendation.container] == nil {
            byName[recommendation.container] = recommendation
        }
        if let podLimitRange {
            byName = capProportionallyToPodLimitRange(byName, containers: containers, limitRange: podLimitRange)
        }
        var result: [String: Capped] = [:]
        for container in containers {
            guard let recommendation = byName[container.name], recommendations.contains(where: { $0.container == container.name })
            else { continue }
            result[container.name] = cappedForContainer(recommendation, container: container, policy: vpa.policy(for: container.name))
        }
        return result
    }

    /// Upstream `getCappedRecommendationForContainer`: container LimitRange, then VPA policy, then
    /// (RequestsOnly) the container's limit, for target, lower and upper bound; notes for the target.
    func cappedForContainer(_ recommendation: ContainerRecommendation, container: ContainerUnderVPA,
                            policy: ContainerResourcePolicy?) -> Capped {
        var notes: [String] = []
        func process(_ list: ResourceList, notesWanted: Bool) -> ResourceList {
            var list = list
            var found: [String] = []
            if let containerLimitRange {
                let maximum = Self.boundary(container.actual, containerLimitRange.max, containerLimitRange.defaultLimit)
                var minimum = Self.boundary(container.actual, containerLimitRange.min, containerLimitRange.defaultLimit)
                // Both limit and request must be at least the LimitRange's min (upstream getMinAllowedRecommendation).
                if !containerLimitRange.min.isEmpty {
                    for resource in Resource.allCases {
                        let request = resource.amount(in: containerLimitRange.min) ?? 0
                        if request > (resource.amount(in: minimum) ?? 0) { resource.set(request, in: &minimum) }
                    }
                }
                Self.cap(&list, minimum: minimum, maximum: maximum, found: &found,
                         minimumNote: "capped to fit Min in container LimitRange", maximumNote: "capped to fit Max in container LimitRange")
            }
            if let policy {
                Self.cap(&list, minimum: policy.minAllowed, maximum: policy.maxAllowed, found: &found,
                         minimumNote: "capped to minAllowed", maximumNote: "capped to maxAllowed")
            }
            if policy?.controlledValues == .requestsOnly {
                // Every limit the container has bounds the recommendation; an unset limit is none.
                for resource in Resource.allCases {
                    guard let limit = resource.amount(in: container.actual.limits),
                          let value = resource.amount(in: list), value > limit else { continue }
                    resource.set(limit, in: &list)
                    found.append("\(resource.name) capped to container limit")
                }
            }
            if notesWanted { notes += found }
            return list
        }
        var capped = recommendation
        capped.target = process(recommendation.target, notesWanted: true)
        capped.lowerBound = process(recommendation.lowerBound, notesWanted: false)
        capped.upperBound = process(recommendation.upperBound, notesWanted: false)
        return Capped(recommendation: capped, notes: notes)
    }

    /// `maybeCapToMin` then `maybeCapToMax` for each resource set in `list`.
    private static func cap(_ list: inout ResourceList, minimum: ResourceList, maximum: ResourceList, found: inout [String],
                            minimumNote: String, maximumNote: String) {
        for resource in Resource.allCases {
            guard var value = resource.amount(in: list) else { continue }
            if let low = resource.amount(in: minimum), low != 0, value < low {
                value = low
                found.append("\(resource.name) \(minimumNote)")
            }
            if let high = resource.amount(in: maximum), high != 0, value > high {
                value = high
                found.append("\(resource.name) \(maximumNote)")
            }
            resource.set(value, in: &list)
        }
    }

    /// Upstream `getBoundaryRecommendation`: for each resource, the request that keeps the
    /// container's limit:request ratio when the limit is `boundary` (`GetBoundaryRequest`); empty
    /// when the LimitRange sets no such bound.
    static func boundary(_ actual: ResourceRequirements, _ boundary: ResourceList, _ defaultLimit: ResourceList) -> ResourceList {
        guard !boundary.isEmpty else { return ResourceList() }
        var result = ResourceList()
        for resource in Resource.allCases {
            resource.set(boundaryRequest(request: resource.amount(in: actual.requests), limit: resource.amount(in: actual.limits),
                                         boundary: resource.amount(in: boundary) ?? 0,
                                         defaultLimit: resource.amount(in: defaultLimit) ?? 0), in: &result)
        }
        return result
    }

    /// Upstream `GetBoundaryRequest` (limit_and_request_scaling.go): 0 (no bound) without a limit;
    /// the boundary itself without a request; else request × boundary / limit, truncated.
    static func boundaryRequest(request: Int64?, limit: Int64?, boundary: Int64, defaultLimit: Int64) -> Int64 {
        var limit = limit ?? 0
        if limit == 0 { limit = defaultLimit }
        guard limit > 0 else { return 0 }
        guard let request, request > 0 else { return boundary }
        return scale(request, times: boundary, over: limit, roundingUp: false)
    }

    /// `value × numerator / denominator` on non-negative amounts, exact, truncated or rounded up,
    /// capped at `Int64.max` as upstream caps its big-integer result; `value` when `denominator` is 0.
    static func scale(_ value: Int64, times numerator: Int64, over denominator: Int64, roundingUp: Bool) -> Int64 {
        guard denominator > 0 else { return value }
        let product = UInt64(max(0, value)).multipliedFullWidth(by: UInt64(max(0, numerator)))
        let divisor = UInt64(denominator)
        guard product.high < divisor else { return Int64.max }
        let (quotient, remainder) = divisor.dividingFullWidth(product)
        let rounded = roundingUp && remainder != 0 ? quotient &+ 1 : quotient
        return rounded > UInt64(Int64.max) || rounded < quotient ? Int64.max : Int64(rounded)
    }
}
