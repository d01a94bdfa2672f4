import ArgumentParser
import VPAModel

/// A pod or VPA named the way every query names one: `NAME` (in any namespace, or the one
/// `-n/--namespace` gives) or `NAMESPACE/NAME`.
struct ObjectName {
    /// The namespace, when one was given (by `-n` or before the slash).
    var namespace: String?
    /// The name, when one was given.
    var name: String?

    /// Reads `flag`'s value beside `-n/--namespace`; a namespace given both ways must agree.
    init(namespace: String?, name text: String?, flag: String) throws {
        self.namespace = namespace
        guard let text else { return }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1, !text.isEmpty {
            name = text
        } else if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
            if let namespace, namespace != parts[0] {
                throw ValidationError("-n \(namespace) and \(flag) \(text) name two namespaces: give the namespace once")
            }
            self.namespace = String(parts[0])
            name = String(parts[1])
        } else {
            throw ValidationError("\(flag) \"\(text)\": expected NAME (with -n NAMESPACE) or NAMESPACE/NAME, such as shop/web-7d9c5-abcde")
        }
    }

    /// Both namespace and name, when both were given.
    var exact: (namespace: String, name: String)? {
        guard let namespace, let name else { return nil }
        return (namespace, name)
    }

    /// Whether an object in `namespace` called `name` is one of those named.
    func matches(namespace: String, name: String) -> Bool {
        (self.namespace == nil || self.namespace == namespace) && (self.name == nil || self.name == name)
    }
}

/// `-n/--namespace NS` and `--pod NAME` (or `--pod NS/NAME`): which pods a query is about, read the
/// same way by every query.
struct PodSelectorOptions: ParsableArguments {
    @Option(name: [.customShort("n"), .customLong("namespace")],
            help: ArgumentHelp("Only this namespace.", valueName: "namespace"))
    var namespace: String?

    @Option(name: .long, help: ArgumentHelp(
        "Only this pod: NAME (in any namespace, or the one -n gives) or NAMESPACE/NAME.", valueName: "pod"))
    var pod: String?

    func validate() throws { _ = try podName }

    /// The pods asked for.
    var podName: ObjectName {
        get throws { try ObjectName(namespace: namespace, name: pod, flag: "--pod") }
    }
}

extension ObjectName {
    /// The events of the streams named, of `kind` (any kind when nil): a pod named exactly is a
    /// pod (every UID its name has had); otherwise the namespace and name given, tested by the
    /// store on each stream.
    func events(of kind: StreamInfo.Kind?) -> EventSelector {
        if kind == .pod, let exact { return EventSelector(pod: PodKey(namespace: exact.namespace, name: exact.name)) }
        return EventSelector(streamKind: kind, namespace: namespace, name: name)
    }
}

extension ObjectName {
    /// No namespace, no name: everything.
    static var none: ObjectName { ObjectName() }

    private init() {}
}
