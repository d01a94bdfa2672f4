import Logging
import NIOConcurrencyHelpers
import NIOCore
import StoreAPI
import StoreWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One accepted connection: the handshake, then calls multiplexed by call id until the peer leaves,
/// a protocol error, or shutdown.
final class ServerConnection: Sendable {
    private let channel: any Channel
    private let outbound: NIOAsyncChannelOutboundWriter<Frame>
    private let peer: String
    private let service: any RPCService
    private let configuration: RPCServerConfiguration
    private let logger: Logger
    private let state = NIOLockedValueBox<State>(State())
    /// Bytes of answers waiting for the peer; the reader pauses while they are above the limit.
    private let budget: OutboundBudget
    /// Shared with the `ImmediateCallHandler` before this connection in the pipeline.
    private let slot: ConnectionSlot

    private struct State {
        /// Calls that have not ended, by id: an id is taken until its call ends.
        var calls: [UInt64: ServerCall] = [:]
        /// Handlers still running (a handler may outlive its call's end by a little, after a cancel).
        var running: [ObjectIdentifier: Task<Void, Never>] = [:]
        var welcomed = false
        var draining = false
        var lastCallID: UInt64 = 0
        /// A draining connection waiting for its last call to end.
        var idleWaiter: CheckedContinuation<Bool, Never>?
    }

    init(channel: any Channel, outbound: NIOAsyncChannelOutboundWriter<Frame>, peer: String, service: any RPCService,
         configuration: RPCServerConfiguration, logger: Logger, slot: ConnectionSlot) {
        self.slot = slot
        self.channel = channel
        self.outbound = outbound
        self.peer = peer
        self.service = service
        self.configuration = configuration
        self.logger = logger
        self.budget = OutboundBudget(limit: configuration.limits.maximumQueuedBytesPerConnection,
                                     largestFrame: configuration.maximumFrameBytes)
        channel.closeFuture.whenComplete { [budget] _ in budget.close() }
    }

    /// Whether the handshake completed.
    var isWelcomed: Bool { state.withLockedValue { $0.welcomed } }

    /// Whether a request with `callID` may be answered at once (`ImmediateCallHandler`): the
    /// conditions `start` checks before it starts a call, without registering one, since the
    /// answer leaves before the next frame is read.
    func admitsImmediateCall(_ callID: UInt64) -> Bool {
        state.withLockedValue { state in
            guard state.welcomed, !state.draining, callID != 0, state.calls[callID] == nil else { return false }
            state.lastCallID = max(state.lastCallID, callID)
            return true
        }
    }

    func run(_ inbound: NIOAsyncChannelInboundStream<Frame>) async {
        // A peer that connects and never says hello must not hold the connection forever.
        let handshakeTimeout = channel.eventLoop.scheduleTask(in: .nanoseconds(configuration.handshakeTimeout.nanoseconds)) {
            [state, channel] in
            if !state.withLockedValue({ $0.welcomed }) { channel.close(promise: nil) }
        }
        defer { handshakeTimeout.cancel() }
        do {
            var frames = inbound.makeAsyncIterator()
            guard let first = try await frames.next() else { return }
            guard try await handshake(first) else { return }
            while let frame = try await frames.next() {
                guard try await dispatch(frame) else { break }
            }
        } catch let error as FrameError {
            logger.info("Closing connection after a framing error", metadata: ["rpc.peer": "\(peer)", "error": "\(error)"])
            let code: RPCStatus.Code = switch error {
            case .frameTooLarge, .firstFrameTooLarge: .resourceExhausted
            case .malformedFrame, .truncatedFrame: .invalidArgument
            }
            try? await outbound.write(Frame(callID: 0, .status(RPCStatus(code, error.description))))
        } catch {
            logger.debug("Connection read failed", metadata: ["rpc.peer": "\(peer)", "error": "\(error)"])
        }
        await endAllCalls(RPCStatus(.cancelled, "the connection closed"))
    }

    /// Handles the first frame; false when the connection must close.
    private func handshake(_ frame: Frame) async throws -> Bool {
        guard case .hello(let hello) = frame.kind else {
            return try await refuse(RPCStatus(.failedPrecondition, "the first frame of a connection must be a hello (handshake)"))
        }
        guard hello.protocolVersion == Frame.protocolVersion else {
            return try await refuse(RPCStatus(.failedPrecondition,
                "protocol version \(hello.protocolVersion) is not supported; this server speaks version \(Frame.protocolVersion)"))
        }
        if let token = configuration.requiredToken, !constantTimeEqual(token, hello.token) {
            return try await refuse(RPCStatus(.unauthenticated, hello.token.isEmpty
                ? "this server requires a token in the hello" : "the token in the hello is not valid"))
        }
        if state.withLockedValue({ $0.draining }) {
            return try await refuse(RPCStatus(.unavailable, "the server is shutting down; connect again later"))
        }
        let welcome: Frame.Welcome
        do { welcome = try await service.welcome(hello, peer: peer) } catch { return try await refuse(error) }
        try await outbound.write(Frame(callID: 0, .welcome(welcome)))
        // A shutdown that began while the welcome was on its way skipped the GOAWAY (the first
        // frame a client reads must be the welcome); send it now.
        let drainingAlready = state.withLockedValue { state in
            state.welcomed = true
            return state.draining
        }
        logger.debug("Handshake", metadata: ["rpc.peer": "\(peer)", "rpc.client": "\(hello.peerName)"])
        if drainingAlready { startDraining(grace: configuration.shutdownGrace) }
        return true
    }

    private func refuse(_ status: RPCStatus) async throws -> Bool {
        logger.info("Refused handshake", metadata: ["rpc.peer": "\(peer)", "rpc.status": "\(status)"])
        try await outbound.write(Frame(callID: 0, .status(status)))
        return false
    }

    /// Handles one frame after the handshake; false when the connection must close.
    private func dispatch(_ frame: Frame) async throws -> Bool {
        switch frame.kind {
        case .request(let request):
            defer { slot.requestStarted() }
            // Room for the call's answer is reserved before the call starts: while the peer leaves
            // answers unread, the budget stays full and its next calls are not read (backpressure).
            let reserved = await budget.admit()
            // Frames still buffered when the peer went away are not started.
            guard channel.isActive else {
                budget.release(reserved)
                return false
            }
            return try await start(callID: frame.callID, request, reserved: reserved)
        case .cancel:
            let call = state.withLockedValue { $0.calls[frame.callID] }
            await call?.end(RPCStatus(.cancelled, "cancelled by the client"), cancelHandler: true)
            return true
        case .ping(let opaque):
            try await outbound.write(Frame(callID: 0, .pong(opaque)))
            return true
        case .pong:
            return true
        case .hello, .welcome, .message, .status, .goAway:
            try await outbound.write(Frame(callID: 0, .status(RPCStatus(.invalidArgument,
                "a client may not send a \(frame.kind.name) frame after the handshake; the connection is closed"))))
            return false
        }
    }

    private func start(callID: UInt64, _ request: Frame.Request, reserved: Int) async throws -> Bool {
        guard callID != 0 else {
            budget.release(reserved)
            try await outbound.write(Frame(callID: 0, .status(RPCStatus(.invalidArgument,
                "call id 0 is reserved for connection frames; the connection is closed"))))
            return false
        }
        let call = ServerCall(callID: callID, request: request, peer: peer, outbound: outbound, budget: budget, reserved: reserved,
                              maximumFrameBytes: configuration.maximumFrameBytes, onEnd: { [weak self] call in self?.release(call) })
        enum Admission { case accepted, draining, duplicate, tooMany(Int) }
        let maximumCalls = configuration.limits.maximumCallsPerConnection
        let admission: Admission = state.withLockedValue { state in
            if state.draining { return .draining }
            if state.calls[callID] != nil { return .duplicate }
            if state.calls.count >= maximumCalls { return .tooMany(state.calls.count) }
            state.calls[callID] = call
            state.lastCallID = max(state.lastCallID, callID)
            return .accepted
        }
        if case .accepted = admission {} else { call.releaseReservation() }
        switch admission {
        case .draining:
            try await outbound.write(Frame(callID: callID, .status(RPCStatus(.unavailable,
                "the server is shutting down; retry on a new connection"))))
            return true
        case .duplicate:
            try await outbound.write(Frame(callID: 0, .status(RPCStatus(.invalidArgument,
                "call id \(callID) is already in flight on this connection; the connection is closed"))))
            return false
        case .tooMany(let count):
            try await outbound.write(Frame(callID: callID, .status(RPCStatus(.resourceExhausted,
                "this connection has \(count) calls in flight, the server's limit; wait for answers, use another "
                + "connection, or raise --max-calls-per-connection"))))
            return true
        case .accepted:
            break
        }
        // A timer on the event loop rather than a sleeping task per call: it costs nothing unless it fires.
        let deadlineTimer = call.timeoutMilliseconds.map { milliseconds in channel.eventLoop.scheduleTask(
            in: .milliseconds(milliseconds)) {
            Task { await call.end(RPCStatus(.deadlineExceeded, "the call's deadline passed before it finished"), cancelHandler: true) }
        } }
        let task = Task { [service] in
            let outcome: RPCStatus
            do {
                try await service.handle(call)
                outcome = .ok
            } catch let status as RPCStatus {
                outcome = status
            } catch is CancellationError {
                outcome = RPCStatus(.cancelled, "the call was cancelled")
            } catch {
                outcome = RPCStatus(.internal, "\(error)")
            }
            deadlineTimer?.cancel()
            call.releaseReservation()
            await call.end(outcome, cancelHandler: false)
            self.finished(call)
        }
        call.attach(task)
        state.withLockedValue { state in
            // The handler may already have returned (and removed itself); keep the task only if not.
            if call.handlerTask != nil, !call.handlerReturned { state.running[ObjectIdentifier(call)] = task }
        }
        return true
    }

    /// The call ended (its status is about to be sent): its id is free again.
    private func release(_ call: ServerCall) {
        let idleWaiter = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            if state.calls[call.callID] === call { state.calls[call.callID] = nil }
            guard state.draining, state.calls.isEmpty else { return nil }
            defer { state.idleWaiter = nil }
            return state.idleWaiter
        }
        idleWaiter?.resume(returning: true)
    }

    /// The call's handler returned.
    private func finished(_ call: ServerCall) {
        call.markHandlerReturned()
        state.withLockedValue { _ = $0.running.removeValue(forKey: ObjectIdentifier(call)) }
        service.callEnded(method: call.method, status: call.status?.code ?? .unknown, duration: call.elapsed)
    }

    /// Starts this connection's part of a graceful shutdown. Before the handshake is done, the
    /// hello is refused with UNAVAILABLE instead of a GOAWAY (which must never precede the welcome).
    func goAway(grace: Duration) {
        let (first, welcomed) = state.withLockedValue { state in
            let first = !state.draining
            state.draining = true
            return (first, state.welcomed)
        }
        guard first else { return }
        if welcomed {
            startDraining(grace: grace)
        } else {
            // No hello yet: give the handshake the grace period, then close regardless.
            channel.eventLoop.scheduleTask(in: .nanoseconds(grace.nanoseconds)) { [channel] in channel.close(promise: nil) }
        }
    }

    /// Sends GOAWAY, lets the calls in flight finish within `grace`, then closes.
    private func startDraining(grace: Duration) {
        let lastCallID = state.withLockedValue { $0.lastCallID }
        // The grace is kept whatever the peer does: a peer that reads nothing makes every write below
        // wait forever, so the close comes from a timer, not from the end of those writes. Closing
        // fails the waiting writes, and the calls end.
        channel.eventLoop.scheduleTask(in: .nanoseconds(grace.nanoseconds)) { [channel] in channel.close(promise: nil) }
        Task { [outbound, channel] in
            try? await outbound.write(Frame(callID: 0, .goAway(lastCallID: lastCallID, reason: "server shutting down")))
            if await !self.waitUntilIdle(timeout: grace) {
                await self.endAllCalls(RPCStatus(.unavailable, "the server shut down before the call finished"))
            }
            channel.close(promise: nil)
        }
    }

    /// Waits until no call is in flight (true) or `timeout` passes (false).
    private func waitUntilIdle(timeout: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            let idle = state.withLockedValue { state -> Bool in
                if state.calls.isEmpty { return true }
                state.idleWaiter = continuation
                return false
            }
            if idle {
                continuation.resume(returning: true)
                return
            }
            channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [state] in
                let waiter = state.withLockedValue { state in
                    defer { state.idleWaiter = nil }
                    return state.idleWaiter
                }
                waiter?.resume(returning: false)
            }
        }
    }

    /// Ends every call in flight with `status` and waits for their handlers to return.
    private func endAllCalls(_ status: RPCStatus) async {
        let calls = state.withLockedValue { Array($0.calls.values) }
        for call in calls { await call.end(status, cancelHandler: true) }
        let tasks = state.withLockedValue { Array($0.running.values) }
        for task in tasks { await task.value }
    }
}

extension Frame.Kind {
    /// The frame kind's name in frame.proto.
    var name: String {
        switch self {
        case .hello: "hello"
        case .welcome: "welcome"
        case .request: "request"
        case .message: "message"
        case .status: "status"
        case .cancel: "cancel"
        case .ping: "ping"
        case .pong: "pong"
        case .goAway: "go_away"
        }
    }
}

/// Compares two secrets in time that depends only on their lengths, not on where they differ.
public func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
