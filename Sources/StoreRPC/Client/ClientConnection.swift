import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import StoreAPI
import StoreWire

/// One open client connection. Frames from the server are routed to the calls waiting for them by
/// call id on the connection's event loop (`ClientFrameRouter`), once the handshake is done; every
/// frame it sends is queued on that event loop under the lock that registers the call, so frames
/// leave in the order they were made (a call's cancel never before its request).
final class ClientConnection: Sendable {
    /// What a call in flight waits with.
    enum Waiter {
        case unary(CheckedContinuation<Result<[UInt8], RPCStatus>, Never>, message: [UInt8]?)
        case stream(AsyncThrowingStream<[UInt8], any Error>.Continuation)
    }

    private struct State {
        /// Where frames are sent. Frames are queued under the lock that also registers the call,
        /// so the order of the queue is the order of the calls' events.
        var outgoing: FrameSender?
        var waiters: [UInt64: Waiter] = [:]
        var nextCallID: UInt64 = 1
        var closed: RPCStatus?
        var goingAway = false
        /// Pings waiting for their pong: resumed with nil, or with the status the connection closed with.
        var pings: [UInt64: CheckedContinuation<RPCStatus?, Never>] = [:]
        /// Client-side deadline timers of calls in flight, cancelled when the call ends.
        var deadlines: [UInt64: Scheduled<Void>] = [:]

        /// Removes the waiter of `callID` and cancels its deadline timer.
        mutating func takeWaiter(_ callID: UInt64) -> Waiter? {
            deadlines.removeValue(forKey: callID)?.cancel()
            return waiters.removeValue(forKey: callID)
        }
    }

    let welcome: Frame.Welcome
    private let channel: any Channel
    private let state: NIOLockedValueBox<State>

    private init(welcome: Frame.Welcome, channel: any Channel, state: NIOLockedValueBox<State>) {
        self.welcome = welcome
        self.channel = channel
        self.state = state
    }

    /// Whether new calls may start on this connection.
    var isUsable: Bool { state.withLockedValue { $0.closed == nil && !$0.goingAway } }

    /// Connects and completes the handshake. Throws the server's refusal (UNAUTHENTICATED,
    /// FAILED_PRECONDITION) or UNAVAILABLE when the server cannot be reached.
    static func open(_ configuration: RPCClientConfiguration, tls: ReloadingTLSContext? = nil, group: any EventLoopGroup,
                     logger: Logger) async throws(RPCStatus) -> ClientConnection {
        let maximumFrameBytes = configuration.maximumFrameBytes
        let tlsContext: NIOSSLContext?
        do throws(TLSSetupError) { tlsContext = try tls?.current() } catch { throw RPCStatus(.failedPrecondition, "\(error)") }
        let tlsFailure = TLSFailureRecorder()
        let router = ClientFrameRouter.Slot()
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<Frame, Frame>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                if let tlsContext, let tls = configuration.tls {
                    try channel.pipeline.syncOperations.addClientTLS(context: tlsContext, tls: tls, endpoint: configuration.endpoint,
                                                                      failure: tlsFailure)
                }
                try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: maximumFrameBytes)
                try channel.pipeline.syncOperations.addHandler(ClientFrameRouter(slot: router))
                return try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel)
            }
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let asyncChannel: NIOAsyncChannel<Frame, Frame>
        do {
            switch configuration.endpoint {
            case .tcp(let host, let port):
                asyncChannel = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            case .unix(let path):
                asyncChannel = try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            }
        } catch {
            throw RPCStatus(.unavailable, "cannot connect to \(configuration.endpoint): \(error)")
        }
        let state = NIOLockedValueBox(State())
        let hello = Frame.Hello(peerName: configuration.peerName, token: configuration.token)
        // A server that accepted the socket but never answers the hello (it was shutting down, or it
        // is not a vpa-store server) must not hold the caller forever.
        let welcomed = NIOLockedValueBox(false)
        let timedOut = NIOLockedValueBox(false)
        let handshakeTimeout = asyncChannel.channel.eventLoop.scheduleTask(
            in: .nanoseconds(configuration.connectTimeout.nanoseconds)) { [channel = asyncChannel.channel] in
            if !welcomed.withLockedValue({ $0 }) {
                timedOut.withLockedValue { $0 = true }
                channel.close(promise: nil)
            }
        }
        // The reader task owns the channel for its whole life; the handshake's answer comes back
        // through this continuation, later frames go to the waiters.
        let handshake: Result<(Frame.Welcome, ClientConnection), RPCStatus> = await withCheckedContinuation { continuation in
            Task {
                let resumed = NIOLockedValueBox(false)
                func resume(_ result: Result<(Frame.Welcome, ClientConnection), RPCStatus>) {
                    if !resumed.withLockedValue({ let was = $0; $0 = true; return was }) { continuation.resume(returning: result) }
                }
                var ending = RPCStatus(.unavailable, "the connection to \(configuration.endpoint) closed")
                do {
                    try await asyncChannel.executeThenClose { inbound, _ in
                        let outgoing = FrameSender(channel: asyncChannel.channel)
                        state.withLockedValue { $0.outgoing = outgoing }
                        outgoing.yield(Frame(callID: 0, .hello(hello)))
                        var frames = inbound.makeAsyncIterator()
                        guard let first = try await frames.next() else {
                            // A failed TLS handshake may end the stream without an error: report its reason.
                            if let error = tlsFailure.error { throw error }
                            resume(.failure(RPCStatus(.unavailable, timedOut.withLockedValue { $0 }
                                ? "\(configuration.endpoint) accepted the connection but did not answer the hello within \(configuration.connectTimeout)"
                                : "\(configuration.endpoint) closed the connection during the handshake"
                                    + (configuration.tls == nil ? "; it may require TLS: pass --tls-ca FILE" : ""))))
                            return
                        }
                        switch first.kind {
                        case .welcome(let welcome):
                            welcomed.withLockedValue { $0 = true }
                            let connection = ClientConnection(welcome: welcome, channel: asyncChannel.channel, state: state)
                            // From here the router hands frames to the connection on the event loop; the
                            // few that arrived before (a GOAWAY, a ping) come through here. No call can
                            // have started yet: the connection is handed out below.
                            router.attach(connection)
                            resume(.success((welcome, connection)))
                            while let frame = try await frames.next() { connection.deliver(frame) }
                        case .status(let status):
                            resume(.failure(status))
                        default:
                            resume(.failure(RPCStatus(.internal, "the server answered the hello with a \(first.kind.name) frame")))
                        }
                    }
                } catch let error as FrameError {
                    ending = RPCStatus(.internal, "the server's frames could not be read: \(error)")
                } catch {
                    ending = await ClientTLSFailure.status(for: tlsFailure.error ?? error, configuration: configuration,
                                                           context: tlsContext, group: group)
                        ?? RPCStatus(.unavailable, "the connection to \(configuration.endpoint) failed: \(error)")
                }
                if timedOut.withLockedValue({ $0 }) {
                    // The handshake timeout closed the channel; whatever failed then failed because of it.
                    ending = RPCStatus(.unavailable, "\(configuration.endpoint) accepted the connection but did not answer the hello within \(configuration.connectTimeout)")
                }
                resume(.failure(ending))
                ClientConnection.closeAll(state, ending)
            }
        }
        handshakeTimeout.cancel()
        switch handshake {
        case .success(let (_, connection)): return connection
        case .failure(let status): throw status
        }
    }

    /// Routes one frame from the server.
    func deliver(_ frame: Frame) {
        switch frame.kind {
        case .message(let payload):
            state.withLockedValue { state in
                switch state.waiters[frame.callID] {
                case .unary(let continuation, _): state.waiters[frame.callID] = .unary(continuation, message: payload)
                case .stream(let continuation): continuation.yield(payload)
                case nil: break  // a call that already ended (cancelled, timed out): ignore
                }
            }
        case .status(let status):
            if frame.callID == 0 {
                // A connection-level error (the server closes the connection after it).
                ClientConnection.closeAll(state, status)
                return
            }
            let waiter = state.withLockedValue { $0.takeWaiter(frame.callID) }
            switch waiter {
            case .unary(let continuation, let message):
                if status.code == .ok {
                    if let message {
                        continuation.resume(returning: .success(message))
                    } else {
                        continuation.resume(returning: .failure(RPCStatus(.internal, "the server ended a unary call without a response")))
                    }
                } else {
                    continuation.resume(returning: .failure(status))
                }
            case .stream(let continuation):
                if status.code == .ok { continuation.finish() } else { continuation.finish(throwing: status) }
            case nil:
                break
            }
        case .pong(let opaque):
            let waiter = state.withLockedValue { $0.pings.removeValue(forKey: opaque) }
            waiter?.resume(returning: nil)
        case .ping(let opaque):
            state.withLockedValue { _ = $0.outgoing?.yield(Frame(callID: 0, .pong(opaque))) }
        case .goAway:
            state.withLockedValue { $0.goingAway = true }
        case .hello, .welcome, .request, .cancel:
            break
        }
    }

    /// Fails every call in flight with `status` and marks the connection closed.
    private static func closeAll(_ state: NIOLockedValueBox<State>, _ status: RPCStatus) {
        let (waiters, pings) = state.withLockedValue { state -> ([Waiter], [CheckedContinuation<RPCStatus?, Never>]) in
            if state.closed == nil { state.closed = status }
            defer {
                state.waiters.removeAll()
                state.pings.removeAll()
                for timer in state.deadlines.values { timer.cancel() }
                state.deadlines.removeAll()
            }
            return (Array(state.waiters.values), Array(state.pings.values))
        }
        for waiter in waiters {
            switch waiter {
            case .unary(let continuation, _): continuation.resume(returning: .failure(status))
            case .stream(let continuation): continuation.finish(throwing: status)
            }
        }
        for ping in pings { ping.resume(returning: status) }
    }

    /// Registers a waiter under a new call id and queues the request. With a `timeout`, the call
    /// also ends locally with DEADLINE_EXCEEDED a little after it, for a server that cannot answer.
    func start(_ request: Frame.Request, timeout: Duration? = nil, waiter: (UInt64) -> Waiter) -> UInt64? {
        state.withLockedValue { state in
            guard state.closed == nil, let outgoing = state.outgoing else { return nil }
            let callID = state.nextCallID
            state.nextCallID += 1
            state.waiters[callID] = waiter(callID)
            if let timeout {
                state.deadlines[callID] = channel.eventLoop.scheduleTask(
                    in: .nanoseconds((timeout + .milliseconds(50)).nanoseconds)) { [weak self] in
                    self?.cancel(callID, RPCStatus(.deadlineExceeded, "no answer within \(timeout)"))
                }
            }
            outgoing.yield(Frame(callID: callID, .request(request)))
            return callID
        }
    }

    /// Ends call `callID` locally with `status` and tells the server to cancel it. The cancel is
    /// queued after the call's request, which `start` queued before handing out the id.
    func cancel(_ callID: UInt64, _ status: RPCStatus) {
        fail(callID, status)
        state.withLockedValue { _ = $0.outgoing?.yield(Frame(callID: callID, .cancel)) }
    }

    private func fail(_ callID: UInt64, _ status: RPCStatus) {
        let waiter = state.withLockedValue { $0.takeWaiter(callID) }
        switch waiter {
        case .unary(let continuation, _): continuation.resume(returning: .failure(status))
        case .stream(let continuation): continuation.finish(throwing: status)
        case nil: break
        }
    }

    /// Round trip of a ping to the server. Checking for a closed connection and registering the
    /// ping happen under one lock, so a close either comes first (the ping fails at once) or finds
    /// the ping and ends it.
    func ping() async throws(RPCStatus) -> Duration {
        let opaque = UInt64.random(in: 1...UInt64.max)
        let start = ContinuousClock.now
        let failure: RPCStatus? = await withCheckedContinuation { continuation in
            let closed: RPCStatus? = state.withLockedValue { state in
                if let closed = state.closed { return closed }
                guard let outgoing = state.outgoing else { return RPCStatus(.unavailable, "the connection is not open") }
                state.pings[opaque] = continuation
                outgoing.yield(Frame(callID: 0, .ping(opaque)))
                return nil
            }
            if let closed { continuation.resume(returning: closed) }
        }
        if let failure { throw failure }
        return .now - start
    }

    /// Closes the connection; calls in flight fail with UNAVAILABLE.
    func close() {
        channel.close(promise: nil)
    }
}

/// Sends frames on a channel in the order `yield` is called: each goes through the channel's event
/// loop's task queue, also when called on that event loop, so a frame written from a timer there
/// (a deadline's cancel) never overtakes one queued earlier from another thread (its request).
struct FrameSender: Sendable {
    let channel: any Channel

    func yield(_ frame: Frame) {
        channel.eventLoop.execute { [channel] in channel.writeAndFlush(frame, promise: nil) }
    }
}
