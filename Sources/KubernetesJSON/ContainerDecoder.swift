import VPAModel

/// Decodes the containers of a pod: each spec entry with the status entry of the same name.
enum ContainerDecoder {
    /// One observation per spec entry, in spec order. A status entry is matched by name (the kubelet
    /// does not promise the spec's order); a status entry that names no spec container is not read.
    static func containers(_ specs: [FieldReader], statuses: [FieldReader],
                           type: ContainerType) throws(FieldError) -> [ContainerObservation] {
        // Status names are read lazily and once each: only entries that some spec container claims
        // are decoded in full, so a stray entry cannot fail the pod.
        var statusNames: [String?] = []
        statusNames.reserveCapacity(statuses.count)
        for status in statuses { statusNames.append(try status.string("name")) }

        var containers: [ContainerObservation] = []
        containers.reserveCapacity(specs.count)
        for spec in specs {
            let name = try spec.requiredString("name")
            let resources = try spec.object("resources")
            var container = ContainerObservation(
                name: name, type: type,
                desired: ResourceRequirements(requests: try resources?.resourceList("requests") ?? ResourceList(),
                                              limits: try resources?.resourceList("limits") ?? ResourceList()))
            if let index = statusNames.firstIndex(where: { $0 == name }) {
                container.status = try status(statuses[index])
            }
            containers.append(container)
        }
        return containers
    }

    static func status(_ status: FieldReader) throws(FieldError) -> ContainerStatusObservation {
        var observation = ContainerStatusObservation()
        // `resources: {}` and no `resources` mean different things: the first is a kubelet that
        // reports enacted resources (none set), the second one that does not report them at all.
        if let resources = try status.object("resources") {
            observation.resources = ResourceRequirements(
                requests: try resources.resourceList("requests") ?? ResourceList(),
                limits: try resources.resourceList("limits") ?? ResourceList())
        }
        observation.allocatedResources = try status.resourceList("allocatedResources")
        observation.restartCount = try status.int32("restartCount") ?? 0
        observation.state = try state(status.object("state"))
        observation.lastState = try state(status.object("lastState"))
        return observation
    }

    /// A container state; `nil` when absent or empty (`lastState: {}` on a container never restarted).
    static func state(_ state: FieldReader?) throws(FieldError) -> ContainerState? {
        guard let state else { return nil }
        if let terminated = try state.object("terminated") {
            return .terminated(reason: try terminated.nonEmptyString("reason"),
                               exitCode: try terminated.int32("exitCode"),
                               startedAt: try terminated.timestamp("startedAt"),
                               finishedAt: try terminated.timestamp("finishedAt"))
        }
        if let running = try state.object("running") {
            return .running(startedAt: try running.timestamp("startedAt"))
        }
        if let waiting = try state.object("waiting") {
            return .waiting(reason: try waiting.nonEmptyString("reason"))
        }
        return nil
    }
}
