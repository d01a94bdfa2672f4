/// What a `NamespacedName` names: the noun its messages use. The kind makes a pod's key and a VPA's
/// key different types, so one cannot be passed where the other is meant.
public protocol NamespacedKind: Sendable {
    static var noun: String { get }
}

/// Marks a `NamespacedName` as a pod's.
public enum PodKind: NamespacedKind { public static let noun = "pod" }
/// Marks a `NamespacedName` as a VerticalPodAutoscaler's.
public enum VPAKind: NamespacedKind { public static let noun = "VPA" }

/// A pod's namespace and name: how the store files a pod without a UID, names it in page cursors,
/// logs and messages ("namespace/name").
public typealias PodKey = NamespacedName<PodKind>
/// A VerticalPodAutoscaler's namespace and name: a VPA stream's key, `AppendEvent.vpaKey` and
/// `UpdaterDecisionRecord.vpa` ("namespace/name").
public typealias VPAKey = NamespacedName<VPAKind>

/// A namespaced Kubernetes object's key. Its text is `namespace/name`, the form the wire and the
/// database hold (neither part of a Kubernetes name contains a slash).
public struct NamespacedName<Kind: NamespacedKind>: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// Reads `namespace/name`: both parts present and neither containing a slash.
    public init(parsing text: String) throws(NamespacedNameError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw NamespacedNameError(text: text, noun: Kind.noun)
        }
        self.init(namespace: String(parts[0]), name: String(parts[1]))
    }

    /// `namespace/name`.
    public var description: String { "\(namespace)/\(name)" }

    /// The order of the text: the order the store's page cursors (`ListPods.page_after`) compare in.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

/// Whether `text` follows Kubernetes' name rules: a DNS-1123 label (`validation.IsDNS1123Label`:
/// lowercase letters, digits and '-') or, `allowingDots`, a DNS subdomain (also '.'), starting and
/// ending with a letter or digit, 1 to `maximumLength` bytes.
public func isKubernetesName(_ text: String, maximumLength: Int, allowingDots: Bool) -> Bool {
    let bytes = Array(text.utf8)
    func alphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
    guard let first = bytes.first, let last = bytes.last, bytes.count <= maximumLength,
          alphanumeric(first), alphanumeric(last) else { return false }
    return bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") || (allowingDots && $0 == UInt8(ascii: ".")) }
}

/// Text that is not a `namespace/name` key.
public struct NamespacedNameError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var noun: String

    public init(text: String, noun: String) {
        self.text = text
        self.noun = noun
    }

    public var description: String {
        "\"\(text)\" is not a \(noun) key: expected NAMESPACE/NAME, such as shop/web"
    }
}

extension PodObservation {
    /// The pod's namespace and name.
    public var key: PodKey { PodKey(namespace: namespace, name: name) }
}

extension VPAObservation {
    /// The VPA's namespace and name.
    public var key: VPAKey { VPAKey(namespace: namespace, name: name) }
}
