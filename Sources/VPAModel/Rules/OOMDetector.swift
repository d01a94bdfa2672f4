/// Finds OOM kills between two observations of the same pod (DESIGN §3.3; upstream
/// pkg/recommender/input/oom/observer.go, `OnUpdate`).
public enum OOMDetector {
    /// The reason the kubelet gives a container killed for memory.
    public static let oomKilledReason = "OOMKilled"

    /// OOM kills that `current` shows relative to `previous`.
    ///
    /// Like upstream, only app containers (`status.containerStatuses`) with a status in both
    /// observations are looked at.
    /// - New OOM: `state.terminated.reason` is `OOMKilled` and the container was not terminated
    ///   before, or its restart count grew. Time = `state.terminated.finishedAt`; memory from `current`.
    /// - Previous OOM: running before and now, restart count grew, `lastState.terminated.reason`
    ///   `OOMKilled`. Time = `lastState.terminated.finishedAt`; memory from `previous` (the container
    ///   as it was before the restart). Requiring running before avoids counting a kill again on
    ///   Waiting(CrashLoopBackOff) → Running.
    /// A kill without a `finishedAt` time is dated `observedAt`.
    public static func kills(previous: PodObservation, current: PodObservation, readsStatus: Bool,
                             observedAt: Timestamp) -> [OOMKill] {
        var kills: [OOMKill] = []
        for container in current.containers where container.type == .container {
            guard let new = container.status,
                  let oldContainer = previous.container(named: container.name, type: .container),
                  let old = oldContainer.status else { continue }
            let restartCountIncreased = new.restartCount > old.restartCount
            if new.state?.terminationReason == oomKilledReason
                && (!(old.state?.isTerminated ?? false) || restartCountIncreased) {
                kills.append(kill(of: container, kind: .new, at: new.state?.finishedAt ?? observedAt,
                                  readsStatus: readsStatus, restartCount: new.restartCount))
            } else if new.state?.isRunning == true, old.state?.isRunning == true, restartCountIncreased,
                      new.lastState?.terminationReason == oomKilledReason {
                kills.append(kill(of: oldContainer, kind: .previous, at: new.lastState?.finishedAt ?? observedAt,
                                  readsStatus: readsStatus, restartCount: new.restartCount))
            }
        }
        return kills
    }

    private static func kill(of container: ContainerObservation, kind: OOMKind, at: Timestamp, readsStatus: Bool,
                             restartCount: Int32) -> OOMKill {
        let actual = container.actualResources(readsStatus: readsStatus)
        return OOMKill(container: container.name, containerType: container.type, kind: kind, at: at,
                       memoryRequestBytes: actual.resources.requests.memoryBytes,
                       memoryLimitBytes: actual.resources.limits.memoryBytes, source: actual.source,
                       restartCount: restartCount)
    }

    /// OOM kills named by an Evicted event, with the actual resources of the pod's containers when
    /// the store knows the pod.
    public static func kills(from eviction: EvictionObservation, pod: PodObservation?, readsStatus: Bool) -> [OOMKill] {
        eviction.offenders.map { offender in
            let actual = pod?.container(named: offender.container)?.actualResources(readsStatus: readsStatus)
            return OOMKill(container: offender.container, kind: .eviction, at: eviction.at,
                           memoryRequestBytes: actual?.resources.requests.memoryBytes,
                           memoryLimitBytes: actual?.resources.limits.memoryBytes,
                           source: actual?.source ?? (readsStatus ? .specFallback : .spec),
                           usageBytes: offender.usageBytes)
        }
    }
}
