import VPAModel

/// Why the words naming a report's subject name none (a sentence that says what to give).
public struct ReportSubjectError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension ReportSubject {
    /// The subject as `vpa-store report` (`--pod`, `--workload`, `-n/--namespace`) and the server's
    /// `/report?pod=&workload=&namespace=` name it, one grammar for both:
    /// - `pod`: `NAME` (in `namespace`, or any) or `NAMESPACE/NAME`;
    /// - `workload`: `NAMESPACE/KIND/NAME` or `KIND/NAME` with `namespace`; the kind in any case
    ///   (`deployment`), one of `WorkloadReference.kinds`;
    /// - `namespace` alone: every pod of it.
    /// `flags` names the three in messages (`--pod` for the command line, `pod` for a query).
    public static func parse(pod: String?, workload: String?, namespace: String?,
                             flags: (pod: String, workload: String, namespace: String) = ("--pod", "--workload", "--namespace"))
        throws(ReportSubjectError) -> ReportSubject {
        func fail(_ message: String) -> ReportSubjectError { ReportSubjectError(description: message) }
        if pod != nil, workload != nil { throw fail("give \(flags.pod) or \(flags.workload), not both") }
        if let namespace, namespace.isEmpty || namespace.contains("/") {
            throw fail("\(flags.namespace) \"\(namespace)\": expected a namespace, such as shop")
        }
        if let pod {
            let parts = pod.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            switch parts.count {
            case 1 where !pod.isEmpty: return .pod(namespace: namespace, name: pod)
            case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
                if let namespace, namespace != parts[0] {
                    throw fail("\(flags.namespace) \(namespace) and \(flags.pod) \(pod) name two namespaces: give the namespace once")
                }
                return .pod(namespace: parts[0], name: parts[1])
            default:
                throw fail("\(flags.pod) \"\(pod)\": expected NAME (with \(flags.namespace)) or NAMESPACE/NAME, such as shop/web-7d9c5-abcde")
            }
        }
        if let workload {
            let parts = workload.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let given: (namespace: String?, kind: String, name: String)
            switch parts.count {
            case 3 where !parts[0].isEmpty: given = (parts[0], parts[1], parts[2])
            case 2: given = (nil, parts[0], parts[1])
            default:
                throw fail("\(flags.workload) \"\(workload)\": expected NAMESPACE/KIND/NAME (or KIND/NAME with \(flags.namespace)), such as shop/Deployment/web")
            }
            guard !given.kind.isEmpty, !given.name.isEmpty else {
                throw fail("\(flags.workload) \"\(workload)\": the kind and the name must not be empty, such as shop/Deployment/web")
            }
            if let namespace, let other = given.namespace, namespace != other {
                throw fail("\(flags.namespace) \(namespace) and \(flags.workload) \(workload) name two namespaces: give the namespace once")
            }
            guard let resolved = given.namespace ?? namespace else {
                throw fail("\(flags.workload) \(workload): which namespace? give NAMESPACE/KIND/NAME or \(flags.namespace) NAMESPACE")
            }
            guard let kind = WorkloadReference.kinds.first(where: { $0.lowercased() == given.kind.lowercased() }) else {
                throw fail("\(flags.workload) \(workload): unknown kind \"\(given.kind)\"; use one of \(WorkloadReference.kinds.joined(separator: ", "))")
            }
            return .workload(WorkloadReference(namespace: resolved, kind: kind, name: given.name))
        }
        if let namespace { return .namespace(namespace) }
        throw fail("what to draw? give \(flags.pod) NAMESPACE/NAME, \(flags.workload) NAMESPACE/KIND/NAME or \(flags.namespace) NAMESPACE")
    }
}
