import NIOConcurrencyHelpers
import NIOCore
import StoreWire

/// One call in flight on a server connection, as a service sees it.
///
/// The first end wins: the handler returning, the deadline passing, the client's cancel, or the
/// connection closing. After that `respond` throws `CancellationError` and nothing more of the call
/// is sent.
public final class ServerCall: Sendable {
    public let callID: UInt64
    public let method: String
    public let payload: [UInt8]
    public let metadata: [Frame.Metadata]
    /// When the call must have ended, if the client gave a timeout.
    public let deadline: ContinuousClock.Instant?
    /// The peer's address, for logs.
    public let peer: String

    private let outbound: NIOAsyncChannelOutboundWriter<Frame>
    /// Told when the call ends, before its status is sent, so its id is free again by the time the
    /// client reads the status.
    private let onEnd: @Sendable (ServerCall) -> Void
    private let state = NIOLockedValueBox<State>(State())
    private let started = ContinuousClock.now

    private struct State {
        var endedWith: RPCStatus?
        var handler: Task<Void, Never>?
        var handlerReturned = false
    }

    /// The largest response message that fits in one frame.
    public let maximumMessageBytes: Int
    /// Room for the Frame and Message fields around a response payload.
    public static let frameOverheadBytes = 64

    init(callID: UInt64, request: Frame.Request, peer: String, outbound: NIOAsyncChannelOutboundWriter<Frame>,
         maximumFrameBytes: Int, onEnd: @escaping @Sendable (ServerCall) -> Void) {
        self.maximumMessageBytes = maximumFrameBytes - Self.frameOverheadBytes
        self.onEnd = onEnd
        self.callID = callID
        self.method = request.method
        self.payload = request.payload
        self.metadata = request.metadata
        self.deadline = request.timeoutMilliseconds > 0
            ? .now + .milliseconds(Int64(clamping: request.timeoutMilliseconds)) : nil
        self.peer = peer
        self.outbound = outbound
    }

    /// Whether the call has ended (the client will read nothing more of it).
    public var hasEnded: Bool { state.withLockedValue { $0.endedWith != nil } }

    /// Sends one response message. Throws `CancellationError` once the call has ended, so a
    /// streaming handler stops producing.
    public func respond(_ message: [UInt8]) async throws {
        guard !hasEnded else { throw CancellationError() }
        // The peer refuses frames above the limit the welcome announced; say so instead.
        guard message.count <= maximumMessageBytes else {
            throw RPCStatus(.resourceExhausted, "the answer is \(message.count) bytes, above the frame limit of "
                            + "\(maximumMessageBytes + Self.frameOverheadBytes) bytes; narrow the request or raise --max-frame-bytes")
        }
        try await outbound.write(Frame(callID: callID, .message(message)))
    }

    /// Ends the call with `status` unless it already ended; returns whether this was the end.
    /// Cancels the handler when the end comes from elsewhere (deadline, cancel, shutdown).
    @discardableResult
    func end(_ status: RPCStatus, cancelHandler: Bool) async -> Bool {
        let handler: Task<Void, Never>?? = state.withLockedValue { state in
            guard state.endedWith == nil else { return .none }
            state.endedWith = status
            return .some(state.handler)
        }
        guard case .some(let task) = handler else { return false }
        if cancelHandler { task?.cancel() }
        onEnd(self)
        // The peer may be gone already; there is no one left to tell then.
        try? await outbound.write(Frame(callID: callID, .status(status)))
        return true
    }

    func attach(_ handler: Task<Void, Never>) {
        state.withLockedValue { $0.handler = handler }
    }

    var handlerTask: Task<Void, Never>? { state.withLockedValue { $0.handler } }

    var handlerReturned: Bool { state.withLockedValue { $0.handlerReturned } }

    func markHandlerReturned() { state.withLockedValue { $0.handlerReturned = true } }

    var elapsed: Duration { .now - started }

    var status: RPCStatus? { state.withLockedValue { $0.endedWith } }
}
