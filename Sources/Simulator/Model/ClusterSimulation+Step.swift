import VPAModel

extension ClusterSimulation {
    /// Moves the simulated clock forward by `milliseconds` and returns what an informer and the
    /// metrics API saw meanwhile.
    ///
    /// Everything is evaluated at a sequence of instants: the step's start (to answer changes made
    /// since the last step), each scripted event, each resize that finishes, each usage tick and
    /// the step's end. At each instant, in order: scripted events, ReplicaSets, scheduler, OOM kills
    /// (at usage ticks), kubelet sync, then a batch with the pods that changed, the pods that are
    /// gone and usage samples (at usage ticks). The first batch also carries the VPAs.
    ///
    /// Complexity: O(instants × pods²) in the worst case; a usual step is O(pods).
    public mutating func advance(byMilliseconds milliseconds: Int64) -> StepOutput {
        let from = now
        let end = now.advanced(byMilliseconds: max(0, milliseconds))
        var batches: [ObservationBatch] = []
        var instant = now
        while true {
            now = instant
            if let batch = process(at: instant) { batches.append(batch) }
            guard let next = nextInstant(after: instant, until: end) else { break }
            instant = next
        }
        now = end
        return StepOutput(from: from, to: end, batches: batches)
    }

    private mutating func process(at time: Timestamp) -> ObservationBatch? {
        applyScriptedEvents(at: time)
        reconcileReplicaSets(at: time)
        schedulePendingPods(at: time)
        let isUsageTick = time >= nextUsageTick
        if isUsageTick { killContainersOverMemoryLimit(at: time) }
        kubeletSync(at: time)
        // Pods admitted or shrunk by this sync may make room for pods waiting to be scheduled.
        schedulePendingPods(at: time)

        var observations: [Observation] = []
        if !vpasReported {
            observations += vpaObservations.map(Observation.vpa)
            vpasReported = true
        }
        for pod in pods {
            let observation = pod.observation
            if reported[pod.uid] != observation {
                reported[pod.uid] = observation
                observations.append(.pod(observation))
                counters.podObservations += 1
            }
        }
        observations += deleted.map(Observation.podDeleted)
        deleted.removeAll()
        if isUsageTick {
            observations += usageSamples(at: time)
            while nextUsageTick <= time { nextUsageTick = nextUsageTick.advanced(byMilliseconds: scenario.kubelet.usageIntervalMilliseconds) }
        }
        return observations.isEmpty ? nil : ObservationBatch(at: time, observations: observations)
    }

    /// The next instant after `time`, up to `end`, at which something can happen; nil at the end.
    private func nextInstant(after time: Timestamp, until end: Timestamp) -> Timestamp? {
        guard time < end else { return nil }
        var next = end
        if nextUsageTick > time { next = min(next, nextUsageTick) }
        if nextEvent < events.count {
            let due = scenario.start.advanced(byMilliseconds: events[nextEvent].afterMilliseconds)
            if due > time { next = min(next, due) }
        }
        if let completion = nextActuationCompletion(after: time) { next = min(next, completion) }
        return next
    }
}

extension ClusterSimulation {
    /// True when a scripted event is due after now and no later than `time`.
    public func hasScriptedEvents(through time: Timestamp) -> Bool {
        nextEvent < events.count && scenario.start.advanced(byMilliseconds: events[nextEvent].afterMilliseconds) <= time
    }
}
