import VPAModel

/// What a report is about: one pod (every UID its name has had), the pods of one workload, or
/// every pod of a namespace.
public enum ReportSubject: Hashable, Sendable, CustomStringConvertible {
    /// A pod by name, in one namespace or (namespace nil) in any.
    case pod(namespace: String?, name: String)
    /// The pods a controller owns (see `WorkloadReference.owns`).
    case workload(WorkloadReference)
    /// Every pod of a namespace.
    case namespace(String)

    /// `pod shop/web-1`, `workload shop/Deployment/web`, `namespace shop`.
    public var description: String {
        switch self {
        case .pod(let namespace, let name): "pod " + (namespace.map { "\($0)/" } ?? "") + name
        case .workload(let workload): "workload \(workload.description)"
        case .namespace(let namespace): "namespace \(namespace)"
        }
    }

    /// The namespace the subject lives in, when it names one.
    public var namespace: String? {
        switch self {
        case .pod(let namespace, _): namespace
        case .workload(let workload): workload.namespace
        case .namespace(let namespace): namespace
        }
    }

    /// Whether a pod stream named `namespace/name` can belong to the subject (a workload's pods are
    /// then told apart by their owner references).
    func admits(namespace: String, name: String) -> Bool {
        switch self {
        case .pod(let wanted, let wantedName): (wanted == nil || wanted == namespace) && wantedName == name
        case .workload(let workload): workload.namespace == namespace
        case .namespace(let wanted): wanted == namespace
        }
    }
}
