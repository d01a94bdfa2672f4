import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StoreAPI
import StoreWire

/// A framed-protobuf RPC server: accepts connections, runs one task per connection, and shuts down
/// gracefully (stop accepting, GOAWAY, finish calls in flight within the grace period, close).
public final class RPCServer: Sendable {
    public let configuration: RPCServerConfiguration
    private let service: any RPCService
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox<State>(State())

    private struct State {
        var listener: NIOAsyncChannel<NIOAsyncChannel<Frame, Frame>, Never>?
        var connections: [ObjectIdentifier: ServerConnection] = [:]
        var shuttingDown = false
    }

    public init(configuration: RPCServerConfiguration, service: any RPCService, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.group = group
    }

    /// Binds the listening socket. Returns the address actually bound (the real port for port 0).
    @discardableResult
    public func bind() async throws -> SocketAddress? {
        let maximumFrameBytes = configuration.maximumFrameBytes
        let maximumHelloBytes = configuration.limits.maximumHelloBytes
        let service = service
        // Read before binding: unusable certificate files stop the server with the file and the reason.
        let tls = try configuration.tls.map { tls throws(TLSSetupError) in try ServerTLSInstaller(tls, logger: logger) }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<Frame, Frame>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try tls?.install(on: channel)
                try channel.pipeline.syncOperations.addFrameCodec(maximumFrameBytes: maximumFrameBytes,
                                                                  maximumFirstFrameBytes: maximumHelloBytes)
                try channel.pipeline.syncOperations.addHandler(ImmediateCallHandler(service: service, maximumFrameBytes: maximumFrameBytes))
                return try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel)
            }
        }
        let listener: NIOAsyncChannel<NIOAsyncChannel<Frame, Frame>, Never>
        switch configuration.listen {
        case .tcp(let host, let port):
            listener = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case .unix(let path):
            listener = try await ServerBootstrap(group: group)
                .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
        }
        state.withLockedValue { $0.listener = listener }
        logger.info("Listening", metadata: ["rpc.address": "\(listener.channel.localAddress.map { "\($0)" } ?? configuration.listen.description)"])
        return listener.channel.localAddress
    }

    /// The bound address, once `bind` returned.
    public var localAddress: SocketAddress? { state.withLockedValue { $0.listener?.channel.localAddress } }

    /// Accepts connections until `shutdown` is called, then returns when every connection closed.
    public func run() async throws {
        guard let listener = state.withLockedValue({ $0.listener }) else {
            preconditionFailure("RPCServer.run() called before bind()")
        }
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { inbound in
                for try await channel in inbound {
                    group.addTask { await self.serve(channel) }
                }
            }
        }
    }

    /// Starts a graceful shutdown: stop accepting, send GOAWAY on every connection, let calls in
    /// flight finish within the grace period, then close. `run` returns when it is done.
    public func shutdown() {
        let (listener, connections) = state.withLockedValue { state in
            state.shuttingDown = true
            return (state.listener, Array(state.connections.values))
        }
        logger.info("Shutting down", metadata: ["rpc.connections": "\(connections.count)"])
        // Stop accepting by no longer reading the listening socket, and close it only once every
        // connection is gone: a connection accepted while the listener closes would be dropped by
        // NIO before anyone could run it (and NIO traps on an NIOAsyncChannel never run).
        listener?.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { [weak self] _ in
            self?.closeListenerIfIdle()
        }
        for connection in connections { connection.goAway(grace: configuration.shutdownGrace) }
    }

    /// Closes the listening socket once shutting down and no connection is left.
    private func closeListenerIfIdle() {
        let listener: NIOAsyncChannel<NIOAsyncChannel<Frame, Frame>, Never>? = state.withLockedValue { state in
            guard state.shuttingDown, state.connections.isEmpty else { return nil }
            return state.listener
        }
        listener?.channel.close(promise: nil)
    }

    /// Whether a graceful shutdown has started.
    public var isShuttingDown: Bool { state.withLockedValue { $0.shuttingDown } }

    /// Why one more connection cannot be admitted next to `open`, if it cannot.
    private func refusal(admitting open: Dictionary<ObjectIdentifier, ServerConnection>.Values) -> RPCStatus? {
        let limits = configuration.limits
        if open.count >= limits.maximumConnections {
            return RPCStatus(.resourceExhausted, "the server has \(open.count) connections open, its limit; "
                             + "close idle clients or raise --max-connections")
        }
        let beforeHello = open.lazy.filter { !$0.isWelcomed }.count
        if beforeHello >= limits.maximumConnectionsBeforeHello {
            return RPCStatus(.resourceExhausted, "the server has \(beforeHello) connections that have not completed the "
                             + "handshake, its limit; retry shortly or raise --max-pending-handshakes")
        }
        return nil
    }

    private func serve(_ channel: NIOAsyncChannel<Frame, Frame>) async {
        let peer = channel.channel.remoteAddress.map { "\($0)" } ?? "unknown"
        do {
            try await channel.executeThenClose { inbound, outbound in
                // The immediate-call handler's slot (see `ImmediateCallHandler`); a pipeline without one
                // (never, as built above) gets a slot of its own that nothing else shares.
                let slot = (try? await channel.channel.eventLoop.submit {
                    try channel.channel.pipeline.syncOperations.handler(type: ImmediateCallHandler.self).slot
                }.get()) ?? ConnectionSlot()
                let connection = ServerConnection(channel: channel.channel, outbound: outbound, peer: peer,
                                                  service: service, configuration: configuration, logger: logger, slot: slot)
                slot.attach(connection)
                let key = ObjectIdentifier(connection)
                let admission = state.withLockedValue { state -> Result<Bool, RPCStatus> in
                    if let refusal = refusal(admitting: state.connections.values) { return .failure(refusal) }
                    state.connections[key] = connection
                    return .success(state.shuttingDown)
                }
                let alreadyShuttingDown: Bool
                switch admission {
                case .failure(let refusal):
                    logger.info("Refused connection", metadata: ["rpc.peer": "\(peer)", "rpc.status": "\(refusal)"])
                    try? await outbound.write(Frame(callID: 0, .status(refusal)))
                    return
                case .success(let shuttingDown):
                    alreadyShuttingDown = shuttingDown
                }
                service.connectionsChanged(by: 1)
                defer {
                    state.withLockedValue { _ = $0.connections.removeValue(forKey: key) }
                    service.connectionsChanged(by: -1)
                    closeListenerIfIdle()
                }
                if alreadyShuttingDown { connection.goAway(grace: configuration.shutdownGrace) }
                await connection.run(inbound)
            }
        } catch {
            // A connection's failure is its own: log it and keep serving the others.
            logger.debug("Connection ended with an error", metadata: ["rpc.peer": "\(peer)", "error": "\(error)"])
        }
    }
}
