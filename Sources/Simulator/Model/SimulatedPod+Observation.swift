import VPAModel

extension SimulatedPod {
    /// The pod as an informer would see it now.
    var observation: PodObservation {
        PodObservation(
            uid: uid, namespace: namespace, name: name, generation: generation,
            observedGeneration: isRunning ? generation : nil, phase: isRunning ? "Running" : "Pending",
            startTime: startTime, nodeName: nodeName,
            owners: [OwnerReference(kind: "ReplicaSet", name: replicaSetName, uid: replicaSetUID, controller: true)],
            resizeConditions: conditions,
            containers: containers.map { container in
                ContainerObservation(
                    name: container.name, desired: container.desired,
                    status: isRunning
                        ? ContainerStatusObservation(resources: container.enacted, restartCount: container.restartCount,
                                                     state: .running(startedAt: container.startedAt),
                                                     lastState: container.lastState)
                        : nil)
            })
    }

    /// `PodResizePending` then `PodResizeInProgress`, as the kubelet lists them.
    var conditions: [PodCondition] {
        var conditions: [PodCondition] = []
        if let pending {
            conditions.append(PodCondition(type: PodCondition.resizePending, reason: pending.reason.rawValue,
                                           message: pending.message, lastTransitionTime: pending.since,
                                           observedGeneration: pending.generation))
        }
        if let actuation {
            let (reason, message): (String, String) = switch actuation.progress {
            case .running, .stuck: ("", "")
            case .failed(let message), .memoryLimitBlocked(let message): ("Error", message)
            }
            conditions.append(PodCondition(type: PodCondition.resizeInProgress, reason: reason, message: message,
                                           lastTransitionTime: actuation.since, observedGeneration: actuation.generation))
        }
        return conditions
    }
}
