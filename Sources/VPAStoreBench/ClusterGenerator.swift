import VPAModel

/// A synthetic cluster for the benchmarks: `pods` pods of 2 containers (`app`, `sidecar`) in 50
/// namespaces, observed once a minute ("a round") the way an informer and the metrics API report
/// them. Every pod's state is a pure function of its index and the round, so any connection can
/// produce its share of the pods without coordination and a rerun produces the same log.
///
/// Per round, as in a busy cluster:
/// - every pod reports one usage sample (the bulk of the log, as in production);
/// - 1% of the pods start an in-place resize of `app`'s CPU (desired changes, status still old,
///   `PodResizeInProgress`), which completes in the next round (status catches up);
/// - 0.2% of the pods have `app` OOM-killed (restart count up, last state `OOMKilled`).
public struct ClusterGenerator: Sendable {
    public let pods: Int
    /// Round 0's time; round r is `r` minutes later.
    public let start: Timestamp
    public static let namespaces = 50
    /// A pod resizes once every this many rounds, and is OOM-killed once every `oomPeriod` rounds.
    static let resizePeriod = 100
    static let oomPeriod = 500

    public init(pods: Int, start: Timestamp = Timestamp(unixMilliseconds: 1_793_610_000_000)) {
        self.pods = pods
        self.start = start
    }

    public func time(ofRound round: Int) -> Timestamp {
        Timestamp(unixMilliseconds: start.unixMilliseconds + Int64(round) * 60_000)
    }

    public static func namespace(of index: Int) -> String { "ns-\(index % namespaces)" }
    public static func name(of index: Int) -> String { "app-\(index)" }

    /// True when pod `index`'s observation in `round` differs from the round before: a resize
    /// starts or completes, or a container was OOM-killed.
    public func changes(_ index: Int, inRound round: Int) -> Bool {
        let resizePhase = (round + index) % Self.resizePeriod
        return round == 0 || resizePhase == 0 || resizePhase == 1 || (round + 3 * index) % Self.oomPeriod == 0
    }

    /// Pod `index` as observed in `round`.
    public func pod(_ index: Int, round: Int) -> PodObservation {
        // Resizes passed by this round; at a resize round the spec has the new value and the status the old.
        let resizes = (round + index) / Self.resizePeriod
        let resizing = round > 0 && (round + index) % Self.resizePeriod == 0
        let desired = Self.appResources(cpu: Self.cpu(afterResizes: resizes))
        let actual = resizing ? Self.appResources(cpu: Self.cpu(afterResizes: resizes - 1)) : desired
        let kills = Int32((round + 3 * index) / Self.oomPeriod)
        let lastKillRound = (round + 3 * index) - (round + 3 * index) % Self.oomPeriod - 3 * index
        let lastKill = time(ofRound: max(lastKillRound, 0))
        let started = Timestamp(unixMilliseconds: start.unixMilliseconds - 86_400_000)
        let appStatus = ContainerStatusObservation(
            resources: actual, restartCount: kills,
            state: .running(startedAt: kills > 0 ? lastKill : started),
            lastState: kills > 0 ? .terminated(reason: "OOMKilled", exitCode: 137, startedAt: started, finishedAt: lastKill) : nil)
        let sidecar = ResourceRequirements(requests: ResourceList(cpuMillicores: 50, memoryBytes: 64 << 20),
                                           limits: ResourceList(memoryBytes: 128 << 20))
        return PodObservation(
            uid: "00000000-0000-4000-8000-\(String(index).leftPadded(to: 12))", namespace: Self.namespace(of: index),
            name: Self.name(of: index), phase: "Running", startTime: started, nodeName: "node-\(index % 500)",
            owners: [OwnerReference(kind: "ReplicaSet", name: "web-\(index / 10)-5d8f", uid: "rs-\(index / 10)", controller: true)],
            resizeConditions: resizing ? [PodCondition(type: PodCondition.resizeInProgress)] : [],
            containers: [
                ContainerObservation(name: "app", desired: desired, status: appStatus),
                ContainerObservation(name: "sidecar", desired: sidecar,
                                     status: ContainerStatusObservation(resources: sidecar, restartCount: 0,
                                                                        state: .running(startedAt: started))),
            ])
    }

    /// Pod `index`'s usage over the minute ending at `round`.
    public func usage(_ index: Int, round: Int) -> UsageObservation {
        let wobble = Int64((index &* 31 &+ round &* 17) % 40)
        return UsageObservation(namespace: Self.namespace(of: index), pod: Self.name(of: index), sample: UsageSample(
            at: time(ofRound: round), windowMilliseconds: 60_000,
            containers: [UsageSample.Container(name: "app", cpuMillicores: 120 + wobble, memoryBytes: (180 + wobble) << 20),
                         UsageSample.Container(name: "sidecar", cpuMillicores: 10 + wobble / 4, memoryBytes: 40 << 20)]))
    }

    static func cpu(afterResizes resizes: Int) -> Int64 { 200 + Int64(resizes % 5) * 50 }

    static func appResources(cpu: Int64) -> ResourceRequirements {
        ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: 256 << 20),
                             limits: ResourceList(cpuMillicores: cpu * 2, memoryBytes: 512 << 20))
    }
}
