import VPAModel

/// A pod by its place in a workload: the pod that currently fills replica slot `replica` (slots
/// survive recreation, so "web replica 0" names the replacement of an evicted pod too).
public struct PodSelector: Hashable, Sendable {
    /// The workload's name.
    public var workload: String
    /// The replica slot, from 0.
    public var replica: Int

    /// The pod in slot `replica` of `workload`.
    public init(workload: String, replica: Int) {
        self.workload = workload
        self.replica = replica
    }
}

/// A way an in-place resize goes wrong in the container runtime.
public enum ResizeFault: Hashable, Sendable {
    /// The resize stays `PodResizeInProgress` (no reason) forever.
    case stuck
    /// The resize fails: `PodResizeInProgress` with reason `Error`, until a new resize replaces it.
    case error
}

/// Something that happens at a scripted time of a scenario.
public struct ScenarioEvent: Hashable, Sendable {
    /// What happens.
    public enum Action: Hashable, Sendable {
        /// A person changes one container's desired resources (`kubectl patch --subresource resize`);
        /// no `ResizeRequested` explains it, so the store records it as manual. With a fault, this
        /// resize goes wrong that way.
        case resize(PodSelector, container: String, resources: ResourceRequirements, fault: ResizeFault? = nil)
        /// The next in-place resize of the pod, whoever asks for it, goes wrong this way.
        case injectResizeFault(PodSelector, ResizeFault)
        /// A person deletes the pod; its ReplicaSet creates a replacement.
        case deletePod(PodSelector)
        /// The Deployment is scaled; scaling down deletes the highest slots first.
        case scale(workload: String, replicas: Int)
        /// The node's allocatable changes (a node shrinking, or growing). Running pods stay.
        case setNodeCapacity(node: String, cpuMillicores: Int64, memoryBytes: Int64)
    }

    /// Milliseconds after the scenario's start.
    public var afterMilliseconds: Int64
    /// What happens then.
    public var action: Action

    /// `action` at `afterMilliseconds` after the start.
    public init(afterMilliseconds: Int64, _ action: Action) {
        self.afterMilliseconds = afterMilliseconds
        self.action = action
    }

    /// `action` at `minutes` after the start.
    public static func at(minute minutes: Int64, _ action: Action) -> ScenarioEvent {
        ScenarioEvent(afterMilliseconds: minutes * 60_000, action)
    }
}
