import VPAModel

extension PodUnderVPA {
    /// The containers upstream's admission controller saw (`vpaObservedContainers` annotation), or
    /// nil when the pod has no such annotation or it does not parse, as upstream's
    /// `parseVpaObservedContainers` (pkg/updater/priority/update_priority_calculator.go) treats it:
    /// names separated by `", "`, each a DNS-1123 label; an empty value observes no container.
    var observedContainers: Set<String>? {
        guard let value = vpaObservedContainers else { return nil }
        if value.isEmpty { return [] }
        let names = value.split(separator: ", ", omittingEmptySubsequences: false).map(String.init)
        // `validation.IsDNS1123Label`, as upstream checks each name.
        guard names.allSatisfy({ isKubernetesName($0, maximumLength: 63, allowingDots: false) }) else { return nil }
        return Set(names)
    }

    /// Whether priority and quick OOM look at `container` (upstream skips containers the
    /// annotation does not list).
    func isObserved(_ container: String) -> Bool {
        observedContainers?.contains(container) ?? true
    }
}
