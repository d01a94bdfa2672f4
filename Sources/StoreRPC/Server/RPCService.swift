import StoreAPI
import StoreWire

/// What an `RPCServer` serves: the handshake and the calls. The transport handles framing,
/// call ids, deadlines, cancellation, ping and shutdown; a service sees only method names and
/// payload bytes.
public protocol RPCService: Sendable {
    /// Answers a client's hello, or throws the status that refuses it (the connection is then
    /// closed). Called once per connection.
    func welcome(_ hello: Frame.Hello, peer: String) async throws(RPCStatus) -> Frame.Welcome

    /// Runs one call to its end: `call.respond` sends response messages; returning ends the call
    /// with OK; throwing an `RPCStatus` ends it with that status, any other error with INTERNAL.
    func handle(_ call: ServerCall) async throws

    /// Told when a call ended, with how and how long it took (for metrics).
    func callEnded(method: String, status: RPCStatus.Code, duration: Duration)

    /// Told when a connection opened (+1) or closed (-1).
    func connectionsChanged(by delta: Int)
}

extension RPCService {
    public func callEnded(method: String, status: RPCStatus.Code, duration: Duration) {}
    public func connectionsChanged(by delta: Int) {}
}
