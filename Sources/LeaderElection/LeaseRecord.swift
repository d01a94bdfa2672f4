import Foundation

/// What a coordination.k8s.io/v1 `Lease`'s spec says about leadership (client-go's
/// `LeaderElectionRecord`): who holds it, for how long, and since when.
public struct LeaseRecord: Hashable, Sendable {
    /// The holder; empty when nobody holds the lease (never taken, or released).
    public var holderIdentity: String
    /// How long the holder's last renewal is good for, in seconds (0 and up).
    public var leaseDurationSeconds: Int
    /// When the current holder acquired it.
    public var acquireTime: MicroTime?
    /// When the current holder last renewed it.
    public var renewTime: MicroTime?
    /// How many times the lease changed hands.
    public var leaseTransitions: Int

    /// A record.
    public init(holderIdentity: String, leaseDurationSeconds: Int, acquireTime: MicroTime? = nil,
                renewTime: MicroTime? = nil, leaseTransitions: Int = 0) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    /// The lease's duration.
    public var leaseDuration: Duration { .seconds(leaseDurationSeconds) }

    /// The largest `leaseDurationSeconds` and `leaseTransitions` (an int32 in the API).
    static let maximumCount = Int(Int32.max)
}

/// A `Lease` object as the API serves it, with what a PUT must send back (`resourceVersion`, for
/// optimistic concurrency; labels and annotations, so an update keeps them).
struct LeaseObject: Codable, Sendable {
    struct Metadata: Codable, Sendable {
        var name: String?
        var namespace: String?
        var resourceVersion: String?
        var uid: String?
        var labels: [String: String]?
        var annotations: [String: String]?
    }

    struct Spec: Codable, Sendable {
        var holderIdentity: String?
        var leaseDurationSeconds: Int64?
        var acquireTime: String?
        var renewTime: String?
        var leaseTransitions: Int64?
        // Coordinated leader election's fields: kept as read, so an update does not drop them.
        var strategy: String?
        var preferredHolder: String?
    }

    var apiVersion: String? = "coordination.k8s.io/v1"
    var kind: String? = "Lease"
    var metadata: Metadata
    var spec: Spec?

    /// A new Lease `namespace/name` holding `record`.
    init(namespace: String, name: String, record: LeaseRecord) {
        metadata = Metadata(name: name, namespace: namespace)
        spec = Spec()
        self.record = record
    }

    /// The spec as a record, range-checked: counts clamped into 0…int32 max, times that do not
    /// parse read as absent.
    var record: LeaseRecord {
        get {
            func count(_ value: Int64?) -> Int { Int(min(max(value ?? 0, 0), Int64(LeaseRecord.maximumCount))) }
            return LeaseRecord(holderIdentity: spec?.holderIdentity ?? "",
                               leaseDurationSeconds: count(spec?.leaseDurationSeconds),
                               acquireTime: spec?.acquireTime.flatMap(MicroTime.init(rfc3339:)),
                               renewTime: spec?.renewTime.flatMap(MicroTime.init(rfc3339:)),
                               leaseTransitions: count(spec?.leaseTransitions))
        }
        set {
            var spec = self.spec ?? Spec()
            spec.holderIdentity = newValue.holderIdentity.isEmpty ? nil : newValue.holderIdentity
            spec.leaseDurationSeconds = Int64(newValue.leaseDurationSeconds)
            spec.acquireTime = newValue.acquireTime?.description
            spec.renewTime = newValue.renewTime?.description
            spec.leaseTransitions = Int64(newValue.leaseTransitions)
            self.spec = spec
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> LeaseObject {
        try JSONDecoder().decode(LeaseObject.self, from: Data(bytes))
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
