/// How the simulated cluster's clock moves.
public enum SimulatedAPIClock: Hashable, Sendable {
    /// Only `SimulatedAPIServer.advance(byMilliseconds:)` moves it (tests).
    case manual
    /// Every `stepMilliseconds` of simulated time, the server advances the model; at `speed` 1 a
    /// step takes as long in real time (simulated time ≈ wall time), at 60 a simulated minute a second.
    case realTime(stepMilliseconds: Int64, speed: Double)
}

/// Where and how a `SimulatedAPIServer` serves.
public struct SimulatedAPIConfiguration: Sendable {
    /// The address to bind; the certificate names `127.0.0.1` and `localhost`.
    public var host: String
    /// The port; 0 picks a free one (`SimulatedAPIServer.port` says which).
    public var port: Int
    /// Where the kubeconfig for this server is written.
    public var kubeconfigPath: String
    /// How simulated time moves.
    public var clock: SimulatedAPIClock
    /// Changes kept for watches and continued lists (the compaction window); older ones answer 410.
    public var historyLimit: Int
    /// How often a watch that allows bookmarks gets one.
    public var bookmarkInterval: Duration
    /// Events a watch may have unsent before the server ends it, as the API server ends a watcher
    /// that cannot keep up.
    public var watchBufferLimit: Int
    /// The largest request body accepted (413 above it).
    public var maximumRequestBodyBytes: Int

    /// A configuration that binds `127.0.0.1` on a free port with a manual clock.
    public init(kubeconfigPath: String, host: String = "127.0.0.1", port: Int = 0, clock: SimulatedAPIClock = .manual,
                historyLimit: Int = 10_000, bookmarkInterval: Duration = .seconds(1), watchBufferLimit: Int = 100_000,
                maximumRequestBodyBytes: Int = 4 << 20) {
        self.host = host
        self.port = port
        self.kubeconfigPath = kubeconfigPath
        self.clock = clock
        self.historyLimit = historyLimit
        self.bookmarkInterval = bookmarkInterval
        self.watchBufferLimit = watchBufferLimit
        self.maximumRequestBodyBytes = maximumRequestBodyBytes
    }
}
