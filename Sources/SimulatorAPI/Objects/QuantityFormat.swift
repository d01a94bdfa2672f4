import VPAModel

/// Writes amounts as the API server prints quantities, in the forms that parse back to the same value.
enum QuantityFormat {
    /// CPU: whole cores as `2`, else millicores as `250m`.
    static func cpu(millicores: Int64) -> String { ResourceList.kubernetesCPU(millicores: millicores) }

    /// CPU in nanocores (`152341234n`), as metrics-server reports usage.
    static func cpu(nanocoresFromMillicores millicores: Int64) -> String {
        let (nanocores, overflow) = millicores.multipliedReportingOverflow(by: 1_000_000)
        return overflow ? cpu(millicores: millicores) : "\(nanocores)n"
    }

    /// Memory: the largest binary suffix that divides the amount exactly (`512Mi`, `1Gi`), else bytes.
    static func memory(bytes: Int64) -> String { ResourceList.kubernetesMemory(bytes: bytes) }

    /// A resource list as a Kubernetes map (`{"cpu": "250m", "memory": "128Mi"}`); unset amounts are left out.
    static func json(_ list: ResourceList) -> JSON {
        var object = JSONObjectBuilder()
        object["cpu"] = list.cpuMillicores.map { .string(cpu(millicores: $0)) }
        object["memory"] = list.memoryBytes.map { .string(memory(bytes: $0)) }
        return object.json
    }

    /// `requests` and `limits`, each left out when empty.
    static func json(_ requirements: ResourceRequirements) -> JSON {
        var object = JSONObjectBuilder()
        object["limits"] = requirements.limits.isEmpty ? nil : json(requirements.limits)
        object["requests"] = requirements.requests.isEmpty ? nil : json(requirements.requests)
        return object.json
    }

    /// A Kubernetes resource map read back into a list; nil when a quantity does not parse.
    static func resourceList(_ value: JSON?) -> ResourceList? {
        guard let value else { return ResourceList() }
        guard let members = value.members else { return nil }
        var map: [String: String] = [:]
        for (key, quantity) in members {
            switch quantity {
            case .string(let text): map[key] = text
            case .int(let number): map[key] = String(number)
            case .double(let number): map[key] = "\(number)"
            default: return nil
            }
        }
        return try? ResourceList(kubernetes: map)
    }

    /// A container's `resources` object read back; nil when a quantity does not parse.
    static func requirements(_ value: JSON?) -> ResourceRequirements? {
        guard let requests = resourceList(value?["requests"]), let limits = resourceList(value?["limits"]) else { return nil }
        return ResourceRequirements(requests: requests, limits: limits)
    }
}
