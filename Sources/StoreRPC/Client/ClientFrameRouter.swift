import NIOConcurrencyHelpers
import NIOCore
import StoreWire

/// Hands the server's frames to the `ClientConnection` on the event loop they arrive on, once the
/// handshake is done: the caller waiting for an answer is resumed from here, without a reader task
/// in between (one hand-off between threads less per call). Before that (the welcome, or the
/// status that refuses the hello) frames go on to the connection's reader task.
final class ClientFrameRouter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Frame
    typealias InboundOut = Frame

    /// Where the router finds the connection once the handshake made it.
    final class Slot: Sendable {
        private let box = NIOLockedValueBox<ClientConnection?>(nil)

        var connection: ClientConnection? { box.withLockedValue { $0 } }

        func attach(_ connection: ClientConnection) { box.withLockedValue { $0 = connection } }
    }

    private let slot: Slot
    /// The connection, read from the slot until it is there (then never again: it does not change).
    private var connection: ClientConnection?

    init(slot: Slot) {
        self.slot = slot
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if connection == nil { connection = slot.connection }
        guard let connection else {
            context.fireChannelRead(data)
            return
        }
        connection.deliver(unwrapInboundIn(data))
    }
}
