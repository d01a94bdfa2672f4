import VPAModel

extension ResourceEstimate {
    /// The estimate with only the resources `policy` controls (upstream logic/recommender.go
    /// `FilterControlledResources`; no policy, or no `controlledResources`, keeps both).
    public func controlled(by policy: ContainerResourcePolicy?) -> ResourceEstimate {
        guard let policy, policy.controlledResources != nil else { return self }
        func filter(_ list: ResourceList) -> ResourceList {
            ResourceList(cpuMillicores: policy.controls(.cpu) ? list.cpuMillicores : nil,
                         memoryBytes: policy.controls(.memory) ? list.memoryBytes : nil)
        }
        return ResourceEstimate(target: filter(target), lowerBound: filter(lowerBound), upperBound: filter(upperBound))
    }

    /// The estimate formatted as upstream's `ResourcesAsResourceList` formats it (model/types.go):
    /// CPU rounded up to a multiple of `roundCPUMillicores`, memory to a multiple of
    /// `roundMemoryBytes`, then, with `humanizeMemory`, to two decimals of its largest binary unit.
    public func formatted(with configuration: RecommenderConfiguration) -> ResourceEstimate {
        func format(_ list: ResourceList) -> ResourceList {
            ResourceList(cpuMillicores: list.cpuMillicores.map { Self.roundUp($0, toMultipleOf: configuration.roundCPUMillicores) },
                         memoryBytes: list.memoryBytes.map { bytes in
                             let rounded = Self.roundUp(bytes, toMultipleOf: configuration.roundMemoryBytes)
                             return configuration.humanizeMemory ? Self.humanized(rounded) : rounded
                         })
        }
        return ResourceEstimate(target: format(target), lowerBound: format(lowerBound), upperBound: format(upperBound))
    }

    /// Upstream `RoundUpToScale`: the smallest multiple of `scale` at or above `value`; zero, and
    /// any value when `scale` is 1 or less, unchanged (upstream skips those). Saturates.
    static func roundUp(_ value: Int64, toMultipleOf scale: Int64) -> Int64 {
        guard scale > 1, value > 0 else { return value }
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: scale)
        let steps = remainder == 0 ? quotient : quotient + 1
        let (product, overflow) = steps.multipliedReportingOverflow(by: scale)
        return overflow ? Int64.max : product
    }

    /// Upstream `HumanizeMemoryQuantity` then `resource.MustParse(…).Value()`: bytes rounded to two
    /// decimals of Ti, Gi, Mi or Ki (the largest the value reaches), read back in whole bytes,
    /// rounded up; below 1 Ki unchanged.
    static func humanized(_ bytes: Int64) -> Int64 {
        guard bytes > 0 else { return bytes }
        for shift in [40, 30, 20, 10] where bytes >= Int64(1) << shift {
            let unit = Double(Int64(1) << shift)
            // "%.2f": hundredths of the unit, to nearest.
            let hundredths = (Double(bytes) / unit * 100).rounded()
            let value = (hundredths * unit / 100).rounded(.up)
            return value >= Double(Int64.max) ? Int64.max : Int64(value)
        }
        return bytes
    }
}
