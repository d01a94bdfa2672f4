import VPAModel

/// A cluster to simulate: nodes, workloads, scripted events and kubelet behaviour, from a start
/// time and a seed. The same scenario, driven by the same decisions, gives the same observations.
public struct Scenario: Hashable, Sendable {
    /// A name for logs and summaries.
    public var name: String
    /// Seeds every random choice (names, UIDs, resize durations and faults).
    public var seed: UInt64
    /// The simulated time the cluster starts at.
    public var start: Timestamp
    /// The nodes, in the order the scheduler breaks ties.
    public var nodes: [NodeSpec]
    /// The workloads, each with its ReplicaSet and VPA.
    public var workloads: [WorkloadSpec]
    /// Scripted events, in any order.
    public var events: [ScenarioEvent]
    /// How resizes and usage behave.
    public var kubelet: KubeletSettings

    /// A scenario.
    public init(name: String, seed: UInt64 = 1, start: Timestamp, nodes: [NodeSpec], workloads: [WorkloadSpec],
                events: [ScenarioEvent] = [], kubelet: KubeletSettings = KubeletSettings()) {
        self.name = name
        self.seed = seed
        self.start = start
        self.nodes = nodes
        self.workloads = workloads
        self.events = events
        self.kubelet = kubelet
    }

    /// Checks that names are unique and every name a workload or event uses exists.
    public func validate() throws(ScenarioError) {
        guard !nodes.isEmpty else { throw .noNodes }
        var nodeNames = Set<String>()
        for node in nodes where !nodeNames.insert(node.name).inserted { throw .duplicateNode(node.name) }
        var workloadNames = Set<String>()
        for workload in workloads {
            guard workloadNames.insert(workload.name).inserted else { throw .duplicateWorkload(workload.name) }
            guard workload.replicas >= 0, !workload.containers.isEmpty else { throw .invalidWorkload(workload.name) }
            for node in workload.nodeNames where !nodeNames.contains(node) {
                throw .unknownNode(node, usedBy: workload.name)
            }
        }
        let settings = kubelet
        guard settings.minimumResizeMilliseconds >= 0, settings.maximumResizeMilliseconds >= settings.minimumResizeMilliseconds,
              settings.stuckFraction >= 0, settings.errorFraction >= 0, settings.stuckFraction + settings.errorFraction <= 1,
              settings.usageIntervalMilliseconds > 0
        else { throw .invalidKubeletSettings }
        for event in events {
            switch event.action {
            case .resize(let selector, _, _, _), .injectResizeFault(let selector, _), .deletePod(let selector):
                guard workloadNames.contains(selector.workload) else { throw .unknownWorkload(selector.workload) }
            case .scale(let workload, let replicas):
                guard workloadNames.contains(workload) else { throw .unknownWorkload(workload) }
                guard replicas >= 0 else { throw .invalidWorkload(workload) }
            case .setNodeCapacity(let node, _, _):
                guard nodeNames.contains(node) else { throw .unknownNode(node, usedBy: "a scripted event") }
            }
        }
    }
}

/// Why a scenario cannot run.
public enum ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The scenario has no node.
    case noNodes
    /// Two nodes have this name.
    case duplicateNode(String)
    /// Two workloads have this name.
    case duplicateWorkload(String)
    /// A workload or event names a node the scenario does not have.
    case unknownNode(String, usedBy: String)
    /// An event names a workload the scenario does not have.
    case unknownWorkload(String)
    /// A workload has negative replicas or no container.
    case invalidWorkload(String)
    /// Resize durations are negative or reversed, fault fractions are outside 0…1, or the usage interval is not positive.
    case invalidKubeletSettings

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .noNodes: "The scenario has no node: add at least one."
        case .duplicateNode(let name): "Two nodes are named \(name): give each node its own name."
        case .duplicateWorkload(let name): "Two workloads are named \(name): give each workload its own name."
        case .unknownNode(let node, let user): "\(user) names node \(node), which the scenario does not have: add it or fix the name."
        case .unknownWorkload(let name): "A scripted event names workload \(name), which the scenario does not have: add it or fix the name."
        case .invalidWorkload(let name): "Workload \(name) has negative replicas or no container: give it at least one container and 0 or more replicas."
        case .invalidKubeletSettings:
            "The kubelet settings are invalid: resize durations must be 0 or more with minimum ≤ maximum, stuck and error fractions in 0…1 with a sum ≤ 1, and a positive usage interval."
        }
    }
}
