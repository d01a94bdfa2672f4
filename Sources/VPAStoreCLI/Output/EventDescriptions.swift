import EventStore
import VPAModel

/// Event bodies for people (one-line summaries) and for scripts (JSON).
enum EventDescriptions {
    static func uid(of stream: StreamInfo) -> String { stream.key.contains("/") ? "" : stream.key }

    /// The body as JSON, field names as in proto/vpa/store/v1/events.proto (camelCase).
    static func json(_ body: EventBody) -> JSONOutput {
        var json = JSONObjectBuilder()
        switch body {
        case .podObserved(let pod):
            json.add("uid", ifPresent: pod.uid)
            json.add("namespace", pod.namespace)
            json.add("name", pod.name)
            json.add("generation", ifPresent: pod.generation)
            json.add("observedGeneration", ifPresent: pod.observedGeneration)
            json.add("phase", ifPresent: pod.phase)
            json.add("startTime", ifPresent: pod.startTime?.rfc3339)
            json.add("nodeName", ifPresent: pod.nodeName)
            if !pod.owners.isEmpty {
                json.add("owners", .array(pod.owners.map { owner in
                    .object([("kind", .string(owner.kind)), ("name", .string(owner.name)), ("uid", .string(owner.uid)),
                             ("controller", .bool(owner.controller))])
                }))
            }
            if !pod.resizeConditions.isEmpty {
                json.add("resizeConditions", .array(pod.resizeConditions.map { condition in
                    var object = JSONObjectBuilder()
                    object.add("type", condition.type)
                    object.add("status", condition.status)
                    object.add("reason", condition.reason)
                    object.add("message", condition.message)
                    object.add("lastTransitionTime", ifPresent: condition.lastTransitionTime?.rfc3339)
                    object.add("observedGeneration", ifPresent: condition.observedGeneration)
                    return object.json
                }))
            }
            json.add("legacyResizeStatus", ifPresent: pod.legacyResizeStatus)
            json.add("containers", .array(pod.containers.map(containerJSON)))
        case .podDeleted(let namespace, let name):
            json.add("namespace", namespace)
            json.add("name", name)
        case .resizeTransition(let transition):
            json.add("fromState", transition.from.rawValue)
            json.add("toState", transition.to.rawValue)
            json.add("initiator", transition.initiator.rawValue)
            json.add("reason", transition.reason)
            json.add("message", transition.message)
            json.add("newResize", transition.newResize)
            json.add("generation", ifPresent: transition.generation)
        case .oomKilled(let kill):
            json.add("container", kill.container)
            json.add("containerType", kill.containerType.rawValue)
            json.add("kind", kill.kind.rawValue)
            json.add("at", kill.at.rfc3339)
            json.add("memoryRequestBytes", ifPresent: kill.memoryRequestBytes)
            json.add("memoryLimitBytes", ifPresent: kill.memoryLimitBytes)
            json.add("source", kill.source.rawValue)
            json.add("usageBytes", ifPresent: kill.usageBytes)
            json.add("restartCount", ifPresent: kill.restartCount.map(Int64.init))
        case .evictionObserved(let eviction):
            json.add("eventKey", eviction.eventKey)
            json.add("at", eviction.at.rfc3339)
            json.add("podNamespace", eviction.podNamespace)
            json.add("podName", eviction.podName)
            json.add("offenders", .array(eviction.offenders.map {
                .object([("container", .string($0.container)), ("usageBytes", .int($0.usageBytes))])
            }))
        case .inPlaceModeChanged(let change):
            json.add("mode", change.mode.rawValue)
            json.add("detected", change.detected)
        case .resizeRequested(let request):
            json.add("targets", .array(request.targets.map { target in
                .object([("container", .string(target.container)), ("type", .string(target.type.rawValue)),
                         ("resources", Records.requirementsJSON(target.resources))])
            }))
            json.add("requestedBy", request.requestedBy)
            json.add("reason", request.reason)
        case .vpaObserved(let vpa):
            json.add("namespace", vpa.namespace)
            json.add("name", vpa.name)
            json.add("uid", ifPresent: vpa.uid)
            json.add("targetKind", vpa.targetKind)
            json.add("targetName", vpa.targetName)
            json.add("updateMode", vpa.updateMode.rawValue)
            json.add("minReplicas", ifPresent: vpa.minReplicas.map(Int64.init))
            json.add("containerPolicies", .array(vpa.containerPolicies.map { policy in
                .object([("containerName", .string(policy.containerName)), ("scalingOff", .bool(policy.scalingOff)),
                         ("minAllowed", Records.listJSON(policy.minAllowed)), ("maxAllowed", Records.listJSON(policy.maxAllowed))])
            }))
        case .vpaDeleted(let namespace, let name), .limitRangeDeleted(let namespace, let name):
            json.add("namespace", namespace)
            json.add("name", name)
        case .limitRangeObserved(let range):
            json.add("namespace", range.namespace)
            json.add("name", range.name)
            json.add("items", .array(range.items.map { item in
                .object([("type", .string(item.type.rawValue)), ("min", Records.listJSON(item.min)),
                         ("max", Records.listJSON(item.max)), ("default", Records.listJSON(item.defaultLimit))])
            }))
        case .usageExpired(let expiry):
            json.add("before", expiry.before.rfc3339)
            json.add("eventsRemoved", expiry.eventsRemoved)
        case .usageSampled(let sample):
            json.add("at", sample.at.rfc3339)
            json.add("windowMs", sample.windowMilliseconds)
            json.add("containers", .array(sample.containers.map {
                .object([("name", .string($0.name)), ("cpuMillicores", .int($0.cpuMillicores)),
                         ("memoryBytes", .int($0.memoryBytes))])
            }))
        case .recommendationPublished(let published):
            json.add("recommender", published.recommender)
            json.add("containers", .array(published.containers.map {
                .object([("name", .string($0.container)), ("target", Records.listJSON($0.target)),
                         ("lowerBound", Records.listJSON($0.lowerBound)), ("upperBound", Records.listJSON($0.upperBound)),
                         ("uncappedTarget", Records.listJSON($0.uncappedTarget))])
            }))
        case .recommenderCheckpoint(let checkpoint):
            json.add("consumedPosition", checkpoint.consumedPosition)
            json.add("containers", .array(checkpoint.containers.map {
                .object([("name", .string($0.name)), ("totalSamples", .int(Int64($0.checkpoint.totalSamplesCount))),
                         ("cpuBuckets", .int(Int64($0.checkpoint.cpuHistogram.bucketWeights.count))),
                         ("memoryBuckets", .int(Int64($0.checkpoint.memoryHistogram.bucketWeights.count)))])
            }))
        case .updaterDecision(let decision):
            json.add("action", decision.action.rawValue)
            json.add("reason", decision.reason)
            json.add("vpa", decision.vpa)
            json.add("updateMode", decision.updateMode.rawValue)
        }
        return json.json
    }

    private static func containerJSON(_ container: ContainerObservation) -> JSONOutput {
        var json = JSONObjectBuilder()
        json.add("name", container.name)
        json.add("type", container.type.rawValue)
        json.add("desired", Records.requirementsJSON(container.desired))
        if let status = container.status {
            var object = JSONObjectBuilder()
            if let resources = status.resources { object.add("resources", Records.requirementsJSON(resources)) }
            if let allocated = status.allocatedResources { object.add("allocatedResources", Records.listJSON(allocated)) }
            object.add("restartCount", Int64(status.restartCount))
            if let state = status.state { object.add("state", stateJSON(state)) }
            if let state = status.lastState { object.add("lastState", stateJSON(state)) }
            json.add("status", object.json)
        }
        return json.json
    }

    private static func stateJSON(_ state: ContainerState) -> JSONOutput {
        var json = JSONObjectBuilder()
        switch state {
        case .running(let startedAt):
            json.add("running", .object(startedAt.map { [("startedAt", .string($0.rfc3339))] } ?? []))
        case .terminated(let reason, let exitCode, let startedAt, let finishedAt):
            var object = JSONObjectBuilder()
            object.add("reason", ifPresent: reason)
            object.add("exitCode", ifPresent: exitCode.map(Int64.init))
            object.add("startedAt", ifPresent: startedAt?.rfc3339)
            object.add("finishedAt", ifPresent: finishedAt?.rfc3339)
            json.add("terminated", object.json)
        case .waiting(let reason):
            var object = JSONObjectBuilder()
            object.add("reason", ifPresent: reason)
            json.add("waiting", object.json)
        }
        return json.json
    }
}
