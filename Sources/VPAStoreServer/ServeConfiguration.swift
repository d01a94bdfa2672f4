import EventStore
import StoreAPI
import StoreRPC
import VPAModel

/// Everything `vpa-store serve` is told.
public struct ServeConfiguration: Sendable {
    /// The SQLite file; created when missing.
    public var databasePath: String
    public var listen: RPCEndpoint
    /// Where to serve Prometheus metrics at /metrics (TCP only); nil = not served.
    public var metricsListen: RPCEndpoint?
    public var maximumFrameBytes: Int
    /// When set, every connection's hello must carry this token.
    public var token: String?
    /// Sets the store's in-place setting at start when given and different.
    public var inPlaceMode: InPlaceMode?
    /// The default resize timeouts for GetResizeState and ListResizes (upstream: 5 min, 1 h).
    public var timeouts: ResizeTimeouts
    /// Recent events kept in memory for live Watch delivery; a watcher further behind reads the log.
    public var watchBufferEvents: Int
    /// How often an idle Watch reports the head.
    public var watchProgressInterval: Duration
    /// How long a graceful shutdown lets calls in flight finish.
    public var shutdownGrace: Duration
    /// How long usage samples are kept, counted back from the newest one; nil keeps them forever.
    public var usageRetention: Duration?
    /// How much history to keep: the log is compacted this long before the data's clock
    /// (`serve --compact-keep`); nil never compacts.
    public var compactionKeep: Duration?
    /// A connection that has not said hello within this time is closed.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Connections, calls in flight and bytes a client may hold (`RPCLimits`).
    public var limits = RPCLimits()
    /// TLS on the RPC socket (`--tls-cert`, `--tls-key`, `--tls-client-ca`); nil = plaintext.
    public var tls: RPCServerTLS?
    /// The shortest progress interval a Watch may ask for.
    public var minimumWatchProgressInterval: Duration = .milliseconds(100)

    public init(databasePath: String, listen: RPCEndpoint = .tcp(host: "127.0.0.1", port: RPCEndpoint.defaultPort),
                metricsListen: RPCEndpoint? = nil, maximumFrameBytes: Int = 4 * 1024 * 1024, token: String? = nil,
                inPlaceMode: InPlaceMode? = nil, timeouts: ResizeTimeouts = ResizeTimeouts(),
                watchBufferEvents: Int = 16_384, watchProgressInterval: Duration = .seconds(5),
                shutdownGrace: Duration = .seconds(10), usageRetention: Duration? = EventStore.defaultUsageRetention) {
        self.databasePath = databasePath
        self.listen = listen
        self.metricsListen = metricsListen
        self.maximumFrameBytes = maximumFrameBytes
        self.token = token
        self.inPlaceMode = inPlaceMode
        self.timeouts = timeouts
        self.watchBufferEvents = watchBufferEvents
        self.watchProgressInterval = watchProgressInterval
        self.shutdownGrace = shutdownGrace
        self.usageRetention = usageRetention
    }
}

extension ServeConfiguration {
    /// The settings `GetServerInfo` reports.
    var settings: ServerSettings {
        ServerSettings(database: databasePath, listen: listen.description,
                       maxFrameBytes: UInt32(clamping: maximumFrameBytes), tokenRequired: token != nil,
                       timeouts: timeouts, watchBufferEvents: UInt32(clamping: watchBufferEvents),
                       watchProgressInterval: watchProgressInterval, shutdownGrace: shutdownGrace)
    }
}
