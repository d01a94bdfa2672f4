import VPAModel

/// The simulated cluster: a pure, deterministic model of nodes, ReplicaSets, a scheduler, a kubelet
/// that resizes pods in place, and containers that use resources and get OOM-killed.
///
/// Time moves only in `advance(byMilliseconds:)`. Between steps, callers act on the cluster the
/// way the VPA updater does (`requestResize`, `evict`); the kubelet answers at the start of the
/// next step. Nothing here does I/O, reads a clock or uses a random source other than the
/// scenario's seed.
///
/// ```swift
/// var cluster = try ClusterSimulation(scenario: .standardDemo())
/// let output = cluster.advance(byMilliseconds: 60_000)   // batches of observations to ingest
/// ```
public struct ClusterSimulation: Sendable {
    /// The scenario being run.
    public let scenario: Scenario
    /// The simulated time.
    public internal(set) var now: Timestamp
    /// Sets a new pod's resources (the VPA admission controller); nil = the template's.
    public var admission: AdmissionHook?
    /// What happened so far.
    public internal(set) var counters = SimulationCounters()

    var nodes: [NodeSpec]
    var workloads: [WorkloadSpec]
    /// Live pods in creation order.
    var pods: [SimulatedPod] = []
    var replicaSets: [String: (name: String, uid: String)] = [:]
    var random: SeededRandom
    var nextSerial = 0
    /// Scripted events in time order, and the next one due.
    let events: [ScenarioEvent]
    var nextEvent = 0
    var nextUsageTick: Timestamp
    /// What was last reported of each pod, by UID.
    var reported: [String: PodObservation] = [:]
    /// Pods gone since the last report.
    var deleted: [PodObservation] = []
    var vpasReported = false

    /// A cluster at the scenario's start, with every workload's pods created and scheduled.
    public init(scenario: Scenario) throws(ScenarioError) {
        try scenario.validate()
        self.scenario = scenario
        now = scenario.start
        nodes = scenario.nodes
        workloads = scenario.workloads
        random = SeededRandom(seed: scenario.seed)
        events = scenario.events.enumerated()
            .sorted { ($0.element.afterMilliseconds, $0.offset) < ($1.element.afterMilliseconds, $1.offset) }
            .map(\.element)
        nextUsageTick = Timestamp(unixMilliseconds: scenario.start.unixMilliseconds + scenario.kubelet.usageIntervalMilliseconds)
        for workload in workloads {
            replicaSets[workload.name] = (name: "\(workload.name)-\(random.kubernetesName(length: 10))",
                                          uid: random.uuid())
        }
        reconcileReplicaSets(at: now)
        schedulePendingPods(at: now)
    }

    /// Every live pod as an informer would see it now, in creation order.
    public var podObservations: [PodObservation] { pods.map(\.observation) }

    /// The live pod with this UID.
    public func pod(uid: String) -> PodObservation? {
        pods.first { $0.uid == uid }?.observation
    }

    /// The live pod in this replica slot.
    public func pod(_ selector: PodSelector) -> PodObservation? {
        pods.first { $0.workload == selector.workload && $0.slot == selector.replica }?.observation
    }

    /// The live pods of a workload, by slot.
    public func pods(ofWorkload workload: String) -> [PodObservation] {
        pods.filter { $0.workload == workload }.sorted { $0.slot < $1.slot }.map(\.observation)
    }

    /// The node as it is now (its capacity may have changed).
    public func node(named name: String) -> NodeSpec? {
        nodes.first { $0.name == name }
    }

    /// The requests the kubelet has admitted on a node: the sum of its pods' allocated requests.
    public func allocatedRequests(onNode name: String) -> ResourceList {
        let (cpu, memory) = pods.filter { $0.nodeName == name }.reduce((Int64(0), Int64(0))) { sum, pod in
            let requests = pod.requests(\.allocated)
            return (sum.0 + requests.cpu, sum.1 + requests.memory)
        }
        return ResourceList(cpuMillicores: cpu, memoryBytes: memory)
    }

    /// The VPA objects of the scenario.
    public var vpaObservations: [VPAObservation] { workloads.compactMap(\.vpaObservation) }

    func index(ofPod uid: String) -> Int? {
        pods.firstIndex { $0.uid == uid }
    }

    func workload(named name: String) -> WorkloadSpec? {
        workloads.first { $0.name == name }
    }
}

extension SeededRandom {
    /// Characters Kubernetes uses for generated names (`k8s.io/apimachinery/pkg/util/rand`): no
    /// vowels, no 0/1/3, so names never spell words.
    private static let nameAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// A generated name part, such as a pod suffix (5) or a pod-template hash (10).
    mutating func kubernetesName(length: Int) -> String {
        String((0..<length).map { _ in Self.nameAlphabet[Int(next() % UInt64(Self.nameAlphabet.count))] })
    }

    /// A random (version 4 shaped) UUID string.
    mutating func uuid() -> String {
        let high = next(), low = next()
        let hex = String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
