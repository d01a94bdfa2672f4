/// What one server lets its clients hold. Each limit is a setting of `vpa-store serve` (the flag is
/// named in every refusal); a breach is answered `RESOURCE_EXHAUSTED` saying which setting to raise,
/// or, for bytes, by no longer reading the socket (backpressure), never by buffering without bound.
public struct RPCLimits: Hashable, Sendable {
    /// Open connections in all (`--max-connections`); one more is refused at accept.
    public var maximumConnections: Int = 1024
    /// Connections that have not completed the handshake (`--max-pending-handshakes`): the ones no
    /// token has vouched for yet.
    public var maximumConnectionsBeforeHello: Int = 128
    /// The largest first frame (the hello) a connection may announce (`--max-hello-bytes`): until the
    /// handshake completes nobody is trusted with a buffer of `--max-frame-bytes`.
    public var maximumHelloBytes: Int = 16 * 1024
    /// Calls in flight on one connection (`--max-calls-per-connection`), Watches included.
    public var maximumCallsPerConnection: Int = 128
    /// Bytes of answers one connection may hold, built or being built and not yet taken by its
    /// socket (`--max-queued-bytes-per-connection`; see `OutboundBudget`). When it is full the server
    /// stops reading new calls from that connection until the peer catches up; the default lets 8
    /// answers of the default largest frame be built at once.
    public var maximumQueuedBytesPerConnection: Int = 32 * 1024 * 1024

    public init() {}
}
