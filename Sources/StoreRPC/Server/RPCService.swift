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

    /// The one response message of a call the service can answer at once, from memory, without
    /// waiting for anything (the call then ends OK); nil takes the call the usual way, through
    /// `handle`. Called on a network event loop: it must not block or take long. Errors, too,
    /// take the usual way (return nil), so each call has one place that words them.
    func immediateAnswer(method: String, payload: [UInt8]) -> [UInt8]?
}

extension RPCService {
    public func callEnded(method: String, status: RPCStatus.Code, duration: Duration) {}
    public func connectionsChanged(by delta: Int) {}
    public func immediateAnswer(method: String, payload: [UInt8]) -> [UInt8]? { nil }
}
