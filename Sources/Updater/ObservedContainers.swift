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
        guard names.allSatisfy(Self.isDNS1123Label) else { return nil }
        return Set(names)
    }

    /// Whether priority and quick OOM look at `container` (upstream skips containers the
    /// annotation does not list).
    func isObserved(_ container: String) -> Bool {
        observedContainers?.contains(container) ?? true
    }

    /// `validation.IsDNS1123Label`: 1 to 63 lowercase letters, digits or `-`, starting and ending
    /// with a letter or digit.
    static func isDNS1123Label(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard alphanumeric(bytes[0]), alphanumeric(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
