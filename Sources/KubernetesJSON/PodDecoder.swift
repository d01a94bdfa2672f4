import VPAModel

/// Decodes a Pod object into a `PodObservation`: the metadata, spec and status fields the VPA reads.
enum PodDecoder {
    static func decode(_ pod: FieldReader) throws(FieldError) -> PodObservation {
        let metadata = try pod.object("metadata")
            ?? FieldReader(object: JSONObject(), path: pod.path.appending("metadata"), lenientScalars: pod.lenientScalars, notes: pod.notes)
        let spec = try pod.object("spec")
        let status = try pod.object("status")

        var observation = PodObservation(
            uid: try metadata.nonEmptyString("uid"),
            // The API server fills in `default`; a manifest written by hand often leaves it out.
            namespace: try metadata.nonEmptyString("namespace") ?? "default",
            name: try metadata.requiredString("name"),
            generation: try metadata.int64("generation"))
        // Only this annotation is kept: upstream's updater reads it (priority, quick OOM).
        observation.vpaObservedContainers = try metadata.object("annotations")?.string("vpaObservedContainers")
        observation.owners = try metadata.objects("ownerReferences").map { (owner) throws(FieldError) in
            OwnerReference(kind: try owner.string("kind") ?? "", name: try owner.string("name") ?? "",
                           uid: try owner.string("uid") ?? "", controller: try owner.bool("controller") ?? false)
        }

        if let spec {
            observation.nodeName = try spec.nonEmptyString("nodeName")
        }
        if let status {
            observation.phase = try status.nonEmptyString("phase")
            observation.startTime = try status.timestamp("startTime")
            observation.observedGeneration = try status.int64("observedGeneration")
            observation.legacyResizeStatus = try status.nonEmptyString("resize")
            observation.resizeConditions = try resizeConditions(status)
        }

        let appStatuses = try status?.objects("containerStatuses") ?? []
        let initStatuses = try status?.objects("initContainerStatuses") ?? []
        observation.containers = try ContainerDecoder.containers(spec?.objects("containers") ?? [],
                                                                 statuses: appStatuses, type: .container)
        observation.containers += try ContainerDecoder.containers(spec?.objects("initContainers") ?? [],
                                                                  statuses: initStatuses, type: .`init`)
        return observation
    }

    /// The `PodResizePending` and `PodResizeInProgress` conditions, in the order the pod lists them;
    /// the others (`Ready`, `PodScheduled`, …) say nothing about resizes and are not read at all.
    static func resizeConditions(_ status: FieldReader) throws(FieldError) -> [PodCondition] {
        var conditions: [PodCondition] = []
        for condition in try status.objects("conditions") {
            guard let type = try condition.string("type"),
                  type == PodCondition.resizePending || type == PodCondition.resizeInProgress else { continue }
            conditions.append(PodCondition(
                type: type,
                status: try condition.string("status") ?? "",
                reason: try condition.string("reason") ?? "",
                message: try condition.string("message") ?? "",
                lastTransitionTime: try condition.timestamp("lastTransitionTime"),
                observedGeneration: try condition.int64("observedGeneration")))
        }
        return conditions
    }
}
