import VPAModel

/// Decides a new pod's container resources, as upstream's VPA admission controller does when it
/// sees the pod created: nil keeps the template's.
public typealias AdmissionHook = @Sendable (_ workload: WorkloadSpec, _ container: ContainerSpec) -> ResourceRequirements?

/// What upstream's admission controller (pkg/admission-controller/resource/pod/recommendation)
/// sets on a new pod: requests = the recommendation's target, limits scaled in proportion
/// (pkg/utils/vpa/limit_and_request_scaling.go `GetProportionalLimit`).
public enum AdmissionPolicy {
    /// `template` with its requests set to `target` and its limits kept in proportion to them; a
    /// resource the target does not name keeps the template's request and limit.
    public static func resources(template: ResourceRequirements, target: ResourceList) -> ResourceRequirements {
        var result = template
        if let cpu = target.cpuMillicores, cpu > 0 {
            result.requests.cpuMillicores = cpu
            result.limits.cpuMillicores = proportionalLimit(limit: template.limits.cpuMillicores,
                                                            request: template.requests.cpuMillicores, recommended: cpu)
        }
        if let memory = target.memoryBytes, memory > 0 {
            result.requests.memoryBytes = memory
            result.limits.memoryBytes = proportionalLimit(limit: template.limits.memoryBytes,
                                                          request: template.requests.memoryBytes, recommended: memory)
        }
        return result
    }

    /// An admission hook that applies `recommendations` (by VPA `namespace/name`) to the pods of
    /// workloads whose VPA is not `Off`.
    public static func hook(recommendations: [String: PublishedRecommendation]) -> AdmissionHook {
        { workload, container in
            guard let vpa = workload.vpa, vpa.mode != .off,
                  let recommendation = recommendations["\(workload.namespace)/\(vpa.name)"],
                  let target = recommendation.containers.first(where: { $0.container == container.name })?.target
            else { return nil }
            return resources(template: container.resources, target: target)
        }
    }

    /// Upstream `getProportionalResourceLimit` without a default limit: no limit stays none; a
    /// limit equal to the request (or no request) follows the recommendation; else
    /// limit × recommended / request, saturating.
    static func proportionalLimit(limit: Int64?, request: Int64?, recommended: Int64) -> Int64? {
        guard let limit, limit > 0 else { return nil }
        guard let request, request > 0, request != limit else { return recommended }
        let product = UInt64(limit).multipliedFullWidth(by: UInt64(recommended))
        let divisor = UInt64(request)
        guard product.high < divisor else { return Int64.max }
        let quotient = divisor.dividingFullWidth(product).quotient
        return quotient > UInt64(Int64.max) ? Int64.max : Int64(quotient)
    }
}
