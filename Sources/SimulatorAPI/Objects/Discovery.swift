/// The discovery documents kubectl reads to map names such as `vpa` to URLs: the legacy
/// `APIVersions`, `APIGroupList` and `APIResourceList` forms (answered as `application/json`, which
/// makes a client that asked for aggregated discovery fall back to them).
enum Discovery {
    /// The API groups besides core, each with its one version. policy/v1 is listed for the Eviction
    /// kind of `pods/eviction`.
    static let groups: [(name: String, version: String)] = [
        ("autoscaling.k8s.io", "v1"), ("metrics.k8s.io", "v1beta1"), ("coordination.k8s.io", "v1"), ("policy", "v1"),
    ]

    /// `/version`: a Kubernetes 1.33 server, the first with in-place resize on by default.
    static let version: JSON = [
        "major": "1", "minor": "33", "gitVersion": "v1.33.0-vpa-store-simulator", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2025-04-23T00:00:00Z", "goVersion": "go1.24.2", "compiler": "gc",
        "platform": "linux/amd64",
    ]

    /// `/api`.
    static func coreVersions(serverAddress: String) -> JSON {
        ["kind": "APIVersions", "versions": ["v1"],
         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]]
    }

    /// `/apis`.
    static var groupList: JSON {
        ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups.map { group(named: $0.name, version: $0.version) })]
    }

    /// `/apis/GROUP`, or nil for a group the server does not serve.
    static func group(named name: String) -> JSON? {
        guard let version = groups.first(where: { $0.name == name })?.version else { return nil }
        return group(named: name, version: version).setting("kind", to: "APIGroup").setting("apiVersion", to: "v1")
    }

    private static func group(named name: String, version: String) -> JSON {
        let groupVersion: JSON = ["groupVersion": .string("\(name)/\(version)"), "version": .string(version)]
        return ["name": .string(name), "versions": [groupVersion], "preferredVersion": groupVersion]
    }

    /// `/api/v1` (group `""`) or `/apis/GROUP/VERSION`, or nil for one the server does not serve.
    static func resourceList(group: String, version: String) -> JSON? {
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        guard group.isEmpty ? version == "v1" : groups.contains(where: { $0 == (group, version) }) else { return nil }
        var resources: [JSON] = []
        for resource in ResourceType.all where resource.group == group && resource.version == version {
            var entry = JSONObjectBuilder()
            entry["name"] = .string(resource.plural)
            entry["singularName"] = .string(resource.singular)
            entry["namespaced"] = true
            entry["kind"] = .string(resource.kind)
            entry["verbs"] = .array(resource.verbs.map(JSON.string))
            entry["shortNames"] = resource.shortNames.isEmpty ? nil : .array(resource.shortNames.map(JSON.string))
            resources.append(entry.json)
            for subresource in resource.subresources {
                var sub = JSONObjectBuilder()
                sub["name"] = .string("\(resource.plural)/\(subresource.name)")
                sub["singularName"] = ""
                sub["namespaced"] = true
                sub["group"] = subresource.group.map(JSON.string)
                sub["version"] = subresource.version.map(JSON.string)
                sub["kind"] = .string(subresource.kind)
                sub["verbs"] = .array(subresource.verbs.map(JSON.string))
                resources.append(sub.json)
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion),
                "resources": .array(resources)]
    }
}
