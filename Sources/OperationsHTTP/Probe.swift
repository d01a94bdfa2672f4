/// What a probe found: healthy or not, and a line saying why, which the endpoint sends as the body
/// so `kubectl describe pod` shows the reason of a failing probe.
public struct ProbeResult: Sendable, Equatable {
    public var healthy: Bool
    public var detail: String

    public init(healthy: Bool, detail: String) {
        self.healthy = healthy
        self.detail = detail
    }

    public static func ok(_ detail: String = "ok") -> ProbeResult { ProbeResult(healthy: true, detail: detail) }
    public static func failing(_ detail: String) -> ProbeResult { ProbeResult(healthy: false, detail: detail) }
}

/// The Kubernetes probes a process answers: `/healthz` (liveness: restart me when failing) and
/// `/readyz` (readiness: send me no work when failing). Each check runs per request.
public struct HealthProbes: Sendable {
    public var liveness: @Sendable () async -> ProbeResult
    public var readiness: @Sendable () async -> ProbeResult
    /// A check that has not answered within this time fails: a probe must say something before
    /// the kubelet's own timeout (1 s by default; the manifests in deploy/ set 3 s).
    public var timeout: Duration

    public init(liveness: @escaping @Sendable () async -> ProbeResult = { .ok() },
                readiness: @escaping @Sendable () async -> ProbeResult,
                timeout: Duration = .seconds(2)) {
        self.liveness = liveness
        self.readiness = readiness
        self.timeout = timeout
    }

    /// Runs `check`, failing it when it has not answered within `timeout`.
    static func run(_ check: @escaping @Sendable () async -> ProbeResult, timeout: Duration) async -> ProbeResult {
        await withTaskGroup(of: ProbeResult?.self) { group in
            group.addTask { await check() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failing("no answer within \(timeout)")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failing("no answer within \(timeout)")
        }
    }
}
