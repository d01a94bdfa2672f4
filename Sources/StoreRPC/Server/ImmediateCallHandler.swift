import NIOConcurrencyHelpers
import NIOCore
import StoreAPI
import StoreWire

/// Answers the calls a service can answer at once (`RPCService.immediateAnswer`) on the
/// connection's event loop, as their frames arrive: no task, no hop to another thread, and the
/// answer's message and status go out in one flush with the other answers of the same read.
/// Every other frame goes on to `ServerConnection` unchanged.
///
/// Why: at one call in flight a point read spent most of its time in hand-offs between threads
/// (event loop → connection task → call task → store actor → event loop, ~7 context switches
/// per call, measured with `perf stat`), not in the lookup.
///
/// A request is answered here only when the connection would start it too (after the welcome,
/// while not draining, with a call id that is not in flight) and when no request passed on
/// before it is still waiting to be started there, so calls start in the order they arrived and
/// a reused call id is caught as the connection catches it; and only while the channel is
/// writable, so a peer that does not read its answers meets the connection's outbound budget on
/// the usual path instead of growing this process's write buffer.
final class ImmediateCallHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Frame
    typealias InboundOut = Frame
    typealias OutboundOut = Frame

    /// Where the connection is found once it exists (it is made after the pipeline).
    let slot = ConnectionSlot()
    private let service: any RPCService
    private let maximumMessageBytes: Int
    private var answeredSinceFlush = false

    init(service: any RPCService, maximumFrameBytes: Int) {
        self.service = service
        self.maximumMessageBytes = maximumFrameBytes - ServerCall.frameOverheadBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard case .request(let request) = frame.kind else {
            context.fireChannelRead(data)
            return
        }
        let started = ContinuousClock.now
        guard context.channel.isWritable, let connection = slot.connectionIfIdle, connection.admitsImmediateCall(frame.callID),
              let message = service.immediateAnswer(method: request.method, payload: request.payload),
              message.count <= maximumMessageBytes else {
            slot.requestPassedOn()
            context.fireChannelRead(data)
            return
        }
        context.write(wrapOutboundOut(Frame(callID: frame.callID, .message(message))), promise: nil)
        context.write(wrapOutboundOut(Frame(callID: frame.callID, .status(.ok))), promise: nil)
        answeredSinceFlush = true
        service.callEnded(method: request.method, status: .ok, duration: .now - started)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if answeredSinceFlush {
            answeredSinceFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }
}

/// What an `ImmediateCallHandler` and its `ServerConnection` share: the connection, once the
/// server has made it, and the requests passed on to it that it has not started yet.
final class ConnectionSlot: Sendable {
    private struct State {
        var connection: ServerConnection?
        var requestsPassedOn = 0
    }

    private let state = NIOLockedValueBox(State())

    /// The connection, when it has no request waiting to be started.
    var connectionIfIdle: ServerConnection? {
        state.withLockedValue { $0.requestsPassedOn == 0 ? $0.connection : nil }
    }

    func attach(_ connection: ServerConnection) { state.withLockedValue { $0.connection = connection } }

    /// A request frame went on to the connection.
    func requestPassedOn() { state.withLockedValue { $0.requestsPassedOn += 1 } }

    /// The connection started (or refused) a request frame passed on to it.
    func requestStarted() { state.withLockedValue { $0.requestsPassedOn -= 1 } }
}
