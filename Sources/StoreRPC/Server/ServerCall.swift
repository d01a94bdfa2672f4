import NIOConcurrencyHelpers
import NIOCore
import StoreAPI
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
    /// The client's timeout, if it gave one; a timeout above a year is taken as none.
    let timeoutMilliseconds: Int64?
    /// The longest timeout taken as one: beyond it, the deadline could not be represented.
    static let longestTimeoutMilliseconds: UInt64 = 366 * 86_400_000
    /// The peer's address, for logs.
    public let peer: String

    private let outbound: NIOAsyncChannelOutboundWriter<Frame>
    private let budget: OutboundBudget
    /// Told when the call ends, before its status is sent, so its id is free again by the time the
    /// client reads the status.
    private let onEnd: @Sendable (ServerCall) -> Void
    private let state = NIOLockedValueBox<State>(State())
    private let started = ContinuousClock.now

    private struct State {
        var endedWith: RPCStatus?
        var handler: Task<Void, Never>?
        var handlerReturned = false
        /// Room the connection's reader reserved for the call's first answer (see `OutboundBudget`).
        var reservedForFirstAnswer = 0
    }

    /// The largest response message that fits in one frame.
    public let maximumMessageBytes: Int
    /// Room for the Frame and Message fields around a response payload.
    public static let frameOverheadBytes = 64

    init(callID: UInt64, request: Frame.Request, peer: String, outbound: NIOAsyncChannelOutboundWriter<Frame>,
         budget: OutboundBudget, reserved: Int, maximumFrameBytes: Int, onEnd: @escaping @Sendable (ServerCall) -> Void) {
        self.maximumMessageBytes = maximumFrameBytes - Self.frameOverheadBytes
        self.onEnd = onEnd
        self.callID = callID
        self.method = request.method
        self.payload = request.payload
        self.metadata = request.metadata
        let timeout = request.timeoutMilliseconds
        self.timeoutMilliseconds = timeout > 0 && timeout <= Self.longestTimeoutMilliseconds ? Int64(timeout) : nil
        self.deadline = timeoutMilliseconds.map { .now + .milliseconds($0) }
        self.peer = peer
        self.outbound = outbound
        self.budget = budget
        state.withLockedValue { $0.reservedForFirstAnswer = reserved }
    }

    /// Whether the call has ended (the client will read nothing more of it).
    public var hasEnded: Bool { state.withLockedValue { $0.endedWith != nil } }

    /// Sends one response message that is already built: a small answer (a point read, a summary),
    /// built without waiting for room. Throws `CancellationError` once the call has ended, so a
    /// streaming handler stops producing.
    public func respond(_ message: [UInt8]) async throws {
        let held = budget.settle(holding: takeReservation(), actual: message.count)
        defer { budget.release(held) }
        try await write(message)
    }

    /// Builds one response message that may be large (a page of events, a list) and sends it, with
    /// room for the largest frame reserved in the connection's budget before it is built (see
    /// `OutboundBudget`): a peer that does not read its answers makes calls wait here rather than
    /// each build an answer to hold. `build` returning nil sends nothing. Returns whether a message
    /// was sent.
    @discardableResult
    public func respond(building build: () async throws -> [UInt8]?) async throws -> Bool {
        guard !hasEnded else { throw CancellationError() }
        var held = await budget.reserveBulk(holding: takeReservation())
        defer { budget.release(held) }
        guard let message = try await build() else { return false }
        held = budget.settle(holding: held, actual: message.count)
        try await write(message)
        return true
    }

    /// The reader's reservation, once: the first answer uses it; a call that ends without answering
    /// hands it back (`releaseReservation`).
    private func takeReservation() -> Int {
        state.withLockedValue { state in
            defer { state.reservedForFirstAnswer = 0 }
            return state.reservedForFirstAnswer
        }
    }

    /// Hands back the reader's reservation if no answer used it.
    func releaseReservation() {
        budget.release(takeReservation())
    }

    private func write(_ message: [UInt8]) async throws {
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
