import VPAModel

extension RecommendedContainer {
    /// What an in-place resize asks for this container, as upstream's in-place recommendation
    /// provider computes it (pkg/updater/inplace/inplace_recommendation_provider.go →
    /// `GetContainersResources`, pkg/admission-controller/resource/pod/recommendation):
    /// `requests` = the (capped) target; `limits` = `GetProportionalLimit` of the spec's limit and
    /// request for each resource in the target (pkg/utils/vpa/limit_and_request_scaling.go).
    ///
    /// Under `controlledValues: RequestsOnly` limits are left as they are (none sent). A container
    /// without a limit takes the namespace's Container LimitRange `default` as its limit, as the
    /// LimitRanger gave it one; a resource without either stays without a limit.
    var resizeTarget: ResizeRequest.Target {
        var limits = ResourceList()
        for resource in Resource.allCases where controlledValues == .requestsAndLimits {
            var originalLimit = resource.amount(in: container.desired.limits) ?? 0
            if originalLimit == 0 { originalLimit = resource.amount(in: defaultLimit) ?? 0 }
            let limit = Self.proportionalLimit(originalLimit: originalLimit,
                                               originalRequest: resource.amount(in: container.desired.requests),
                                               recommendedRequest: resource.amount(in: recommendation.target))
            resource.set(limit, in: &limits)
        }
        return ResizeRequest.Target(container: container.name, type: container.type,
                                    resources: ResourceRequirements(requests: recommendation.target, limits: limits))
    }

    /// Upstream `getProportionalResourceLimit` without a default limit, in the units the model keeps
    /// (millicores for CPU as upstream's `MilliValue`, bytes for memory as its `Value`):
    /// - no limit (or zero), or no recommended request (or zero): no limit;
    /// - no request (or zero), or request equal to limit: the limit becomes the recommended request;
    /// - else limit × recommended / request, truncated, capped to `Int64.max` as upstream caps it.
    static func proportionalLimit(originalLimit: Int64?, originalRequest: Int64?, recommendedRequest: Int64?) -> Int64? {
        guard let originalLimit, originalLimit > 0 else { return nil }
        guard let recommendedRequest, recommendedRequest > 0 else { return nil }
        guard let originalRequest, originalRequest > 0, originalRequest != originalLimit else { return recommendedRequest }
        // Upstream multiplies as big.Int; the full-width product keeps this exact.
        let product = UInt64(originalLimit).multipliedFullWidth(by: UInt64(recommendedRequest))
        let divisor = UInt64(originalRequest)
        guard product.high < divisor else { return Int64.max }
        let quotient = divisor.dividingFullWidth(product).quotient
        return quotient > UInt64(Int64.max) ? Int64.max : Int64(quotient)
    }
}
