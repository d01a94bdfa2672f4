import VPAModel

extension ContainerRecommendation {
    /// This recommendation with target, lower and upper bound each raised to the policy's
    /// `minAllowed` and then lowered to its `maxAllowed` (so `maxAllowed` wins when they conflict);
    /// `uncappedTarget` is kept (upstream pkg/utils/vpa/capping.go `applyVPAPolicyForContainer`).
    ///
    /// A resource the policy's `maxAllowed` leaves unset takes `globalMaxAllowed`'s value (the
    /// `--container-recommendation-max-allowed-*` flags). A limit of 0 is ignored, as upstream's
    /// `maybeCapToMin`/`maybeCapToMax` ignore zero quantities.
    public func capped(to policy: ContainerResourcePolicy?,
                       globalMaxAllowed: ResourceList = ResourceList()) -> ContainerRecommendation {
        let minAllowed = policy?.minAllowed ?? ResourceList()
        let maxCPU = policy?.maxAllowed.cpuMillicores ?? globalMaxAllowed.cpuMillicores
        let maxMemory = policy?.maxAllowed.memoryBytes ?? globalMaxAllowed.memoryBytes
        func cap(_ list: ResourceList) -> ResourceList {
            ResourceList(cpuMillicores: Self.cap(list.cpuMillicores, min: minAllowed.cpuMillicores, max: maxCPU),
                         memoryBytes: Self.cap(list.memoryBytes, min: minAllowed.memoryBytes, max: maxMemory))
        }
        var result = self
        result.target = cap(target)
        result.lowerBound = cap(lowerBound)
        result.upperBound = cap(upperBound)
        return result
    }

    /// `maybeCapToMin` then `maybeCapToMax` for one resource; an absent amount stays absent.
    private static func cap(_ amount: Int64?, min: Int64?, max: Int64?) -> Int64? {
        guard var amount else { return nil }
        if let min, min != 0, amount < min {
            amount = min
        }
        if let max, max != 0, amount > max {
            amount = max
        }
        return amount
    }
}
