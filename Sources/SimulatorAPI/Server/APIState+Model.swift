import NIOConcurrencyHelpers
import Simulator
import VPAModel

extension APIState {
    /// Advances the model and publishes what it showed, batch by batch, each change with its own
    /// resourceVersion (a resize that starts and finishes inside a step shows both states).
    func advance(byMilliseconds milliseconds: Int64) -> StepOutput {
        let output = simulation.advance(byMilliseconds: milliseconds)
        publish(output)
        return output
    }

    /// Publishes the observations of a step.
    func publish(_ output: StepOutput) {
        for batch in output.batches {
            for observation in batch.observations { publish(observation, at: batch.at) }
        }
    }

    private func publish(_ observation: Observation, at time: Timestamp) {
        switch observation {
        case .pod(let pod):
            publishPod(pod, at: time)
        case .podDeleted(let pod):
            deletePod(ObjectKey(namespace: pod.namespace, name: pod.name))
        case .vpa(let vpa):
            putVPA(vpa, at: time)
        case .vpaDeleted(let vpa):
            delete(.verticalPodAutoscalers, ObjectKey(namespace: vpa.namespace, name: vpa.name))
        case .usage(let sample):
            let key = ObjectKey(namespace: sample.namespace, name: sample.pod)
            if pods[key] != nil { usage[key] = sample }
        case .eviction(let eviction):
            recordEviction(eviction)
        case .limitRange, .limitRangeDeleted, .upstreamCheckpoint:
            // The simulation's model makes none: LimitRanges are written through the API like any client's.
            break
        }
    }

    /// Stores a pod as observed; an observation equal to the stored one changes nothing (no new
    /// resourceVersion), as an update that changes nothing does not in the API server.
    @discardableResult
    func publishPod(_ pod: PodObservation, at time: Timestamp) -> ObjectStore.LiveObject {
        let key = ObjectKey(namespace: pod.namespace, name: pod.name)
        var record = pods[key]
        if let existing = record, let uid = pod.uid, uid != existing.uid {
            // Another pod under the same name: the old one is gone first.
            deletePod(key)
            record = nil
        }
        if let record, record.observation == pod || (pod.uid == nil && record.observation == withUID(pod, record.uid)),
           let live = store.get(.pods, key) {
            return live
        }
        let uid = pod.uid ?? record?.uid ?? makeUID()
        let createdAt = record?.createdAt ?? time
        let stored = withUID(pod, uid)
        pods[key] = PodRecord(observation: stored, uid: uid, createdAt: createdAt)
        return put(.pods, key, PodObject.json(stored, uid: uid, createdAt: createdAt))
    }

    private func withUID(_ pod: PodObservation, _ uid: String) -> PodObservation {
        var pod = pod
        pod.uid = uid
        return pod
    }

    /// Deletes a pod (and its usage); false when there is none.
    @discardableResult
    func deletePod(_ key: ObjectKey) -> Bool {
        pods.removeValue(forKey: key)
        usage.removeValue(forKey: key)
        return delete(.pods, key) != nil
    }

    /// Stores a VPA's spec, keeping the status its recommender wrote.
    func putVPA(_ vpa: VPAObservation, at time: Timestamp) {
        let key = ObjectKey(namespace: vpa.namespace, name: vpa.name)
        let existing = store.get(.verticalPodAutoscalers, key)
        let uid = existing?.object.value(atPath: "metadata.uid")?.stringValue ?? vpa.uid ?? makeUID()
        let createdAt = existing?.object.value(atPath: "metadata.creationTimestamp")?.stringValue
            .flatMap { try? Timestamp(rfc3339: $0) } ?? time
        put(.verticalPodAutoscalers, key, VPAObject.json(vpa, uid: uid, createdAt: createdAt, status: existing?.object["status"]))
    }

    /// Stores an `Evicted` Event for a memory-pressure eviction.
    func recordEviction(_ eviction: EvictionObservation) {
        let name = "\(eviction.podName).\(String(eviction.at.unixMilliseconds, radix: 16))"
        let key = ObjectKey(namespace: eviction.podNamespace, name: name)
        put(.events, key, EvictionEventObject.json(eviction, name: name, uid: makeUID()))
    }

    /// Makes the model's admission use the recommendations the VPA statuses hold now, as
    /// upstream's admission controller reads `status.recommendation`.
    func refreshAdmission() {
        var recommendations: [String: PublishedRecommendation] = [:]
        for object in store.current(.verticalPodAutoscalers, namespace: nil, selector: FieldSelector.everything) {
            guard let live = store.get(.verticalPodAutoscalers, object.key),
                  let recommendation = VPAObject.recommendation(inStatus: live.object["status"]) else { continue }
            recommendations[object.key.description] = recommendation
        }
        guard recommendations != self.recommendations else { return }
        self.recommendations = recommendations
        guard !recommendations.isEmpty else {
            simulation.admission = nil
            return
        }
        let hook = AdmissionPolicy.hook(recommendations: recommendations)
        let admitted = admittedContainers
        simulation.admission = { workload, container in
            let resources = hook(workload, container)
            if resources != nil { admitted.withLockedValue { $0 += 1 } }
            return resources
        }
    }
}

extension FieldSelector {
    /// The selector that selects every object.
    static let everything = FieldSelector(terms: [])
}
