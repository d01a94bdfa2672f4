import Recommender
import VPAModel

/// One container's usage history under a VPA, and when the recommender started it.
struct ContainerHistory: Sendable {
    var state: AggregateContainerState
    /// When the history was started (its first sample's time), for expiry of a history that never
    /// got a CPU sample; nil for a history restored in this loop, until the loop knows its "now".
    var createdAt: Timestamp?
}

/// What the recommender keeps for one VPA: its spec, its containers' histories, how far into the
/// log they go, and what it last published.
struct VPAHistory: Sendable {
    var vpa: VPAObservation
    /// Every event up to this position is in `containers`; later events are applied, earlier skipped.
    var consumedPosition: Int64
    /// Container name → history.
    var containers: [String: ContainerHistory] = [:]
    /// The recommendation the store holds for the VPA.
    var published: PublishedRecommendation?
    /// True when the histories changed since the recommendation was last compared with `published`.
    var hasNewInput = false
    /// True until a checkpoint is written for a VPA that had none (or none that restored), so a
    /// restart does not read the whole log again for it.
    var needsCheckpoint = false

    /// Adds one usage sample: a CPU and a memory sample for each container, from `pod`'s instance.
    mutating func addUsage(_ sample: UsageSample, pod: String, configuration: RecommenderConfiguration) {
        for container in sample.containers {
            // Mutated in place through the subscript, so the histograms are not copied per sample.
            containers[container.name, default: ContainerHistory(
                state: AggregateContainerState(configuration: configuration.applying(vpa.policy(for: container.name))),
                createdAt: sample.at)]
                .state.addCPUSample(millicores: container.cpuMillicores, at: sample.at, pod: pod)
            containers[container.name]?.state.addMemorySample(bytes: container.memoryBytes, at: sample.at, pod: pod)
        }
        hasNewInput = true
    }

    /// Records an OOM kill of `pod`'s container at the memory request the store derived for it
    /// (the actual request, status first), or 0 when the container had none.
    mutating func recordOOM(_ kill: OOMKill, pod: String, configuration: RecommenderConfiguration) -> OOMRecordOutcome {
        containers[kill.container]?.state.updateFromPolicy(vpa.policy(for: kill.container), base: configuration)
        let outcome = containers[kill.container, default: ContainerHistory(
            state: AggregateContainerState(configuration: configuration.applying(vpa.policy(for: kill.container))),
            createdAt: kill.at)]
            .state.recordOOM(at: kill.at, memoryRequestBytes: kill.memoryRequestBytes ?? 0, pod: pod)
        hasNewInput = true
        return outcome
    }

    /// Takes the VPA's per-VPA settings (container policies) into every history, as upstream's
    /// `UpdateFromPolicy` does each loop.
    mutating func updatePolicies(base: RecommenderConfiguration) {
        for name in containers.keys {
            containers[name]?.state.updateFromPolicy(vpa.policy(for: name), base: base)
        }
    }

    /// Forgets `pod`'s container instances (the pod is gone); its samples stay in the histograms.
    mutating func removePod(_ pod: String) {
        for name in containers.keys {
            containers[name]?.state.removeContainerInstance(pod: pod)
        }
    }

    /// Drops the histories that had no CPU sample for a whole memory aggregation window at `now`
    /// (upstream's garbage collection of aggregate states).
    mutating func expire(at now: Timestamp) {
        for (name, history) in containers {
            if history.createdAt == nil {
                containers[name]?.createdAt = now
            } else if history.state.isExpired(at: now, createdAt: history.createdAt ?? now) {
                containers[name] = nil
                hasNewInput = true
            }
        }
    }

    /// The histories saved at `now`, as of `consumedPosition`, containers by name.
    func checkpoint(at now: Timestamp) -> RecommenderCheckpoint {
        RecommenderCheckpoint(consumedPosition: consumedPosition, containers: containers.keys.sorted().compactMap { name in
            containers[name].map { RecommenderCheckpoint.Container(name: name, checkpoint: $0.state.checkpoint(at: now)) }
        })
    }
}

