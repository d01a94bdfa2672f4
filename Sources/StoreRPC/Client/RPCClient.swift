import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StoreAPI
import StoreWire

/// A client of a framed-protobuf RPC server: one multiplexed connection shared by every call,
/// opened on first use and reopened with exponential backoff after it is lost.
///
/// Calls are not retried: a call in flight when the connection drops fails with UNAVAILABLE, and the
/// caller decides (an idempotency key makes an append safe to retry).
public final class RPCClient: Sendable {
    public let configuration: RPCClientConfiguration
    private let group: any EventLoopGroup
    /// Where the transport logs; `StoreClient` logs its retries here too.
    public let logger: Logger
    private let connector: Connector

    public init(configuration: RPCClientConfiguration, logger: Logger = Logger(label: "vpa-store.client"),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.connector = Connector(configuration: configuration, group: group, logger: logger)
    }

    /// The server's handshake answer, connecting first if needed.
    public func welcome() async throws(RPCStatus) -> Frame.Welcome {
        try await connector.connection().welcome
    }

    /// Calls a unary method: one request, one response. `timeout` becomes the call's deadline,
    /// enforced by the server and, should the server not answer, by the client too.
    public func unary(_ method: String, _ payload: [UInt8], timeout: Duration? = nil,
                      metadata: [Frame.Metadata] = []) async throws(RPCStatus) -> [UInt8] {
        let connection = try await connector.connection()
        let request = Frame.Request(method: method, timeoutMilliseconds: timeout.map(Self.milliseconds) ?? 0,
                                    metadata: metadata, payload: payload)
        let callID = NIOLockedValueBox<UInt64?>(nil)
        let result: Result<[UInt8], RPCStatus> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let id = connection.start(request, timeout: timeout) { _ in .unary(continuation, message: nil) }
                guard let id else {
                    continuation.resume(returning: .failure(RPCStatus(.unavailable, "the connection closed")))
                    return
                }
                callID.withLockedValue { $0 = id }
                if Task.isCancelled { connection.cancel(id, RPCStatus(.cancelled, "the caller cancelled the call")) }
            }
        } onCancel: {
            if let id = callID.withLockedValue({ $0 }) {
                connection.cancel(id, RPCStatus(.cancelled, "the caller cancelled the call"))
            }
        }
        return try result.get()
    }

    /// Calls a server-streaming method. The stream ends when the server ends the call with OK and
    /// throws its status otherwise; ending the iteration early cancels the call on the server.
    public func serverStream(_ method: String, _ payload: [UInt8], timeout: Duration? = nil,
                             metadata: [Frame.Metadata] = []) -> AsyncThrowingStream<[UInt8], any Error> {
        let request = Frame.Request(method: method, timeoutMilliseconds: timeout.map(Self.milliseconds) ?? 0,
                                    metadata: metadata, payload: payload)
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream(bufferingPolicy: .unbounded)
        let connector = self.connector
        // The reader may stop before the call has started (or before its id is known): whichever of
        // the two comes second sends the cancel, so no call outlives its reader.
        let call = NIOLockedValueBox(StreamCall())
        continuation.onTermination = { termination in
            guard case .cancelled = termination else { return }
            let started = call.withLockedValue { call -> (ClientConnection, UInt64)? in
                call.readerStopped = true
                return call.started
            }
            if let (connection, id) = started { connection.cancel(id, RPCStatus(.cancelled, "the caller stopped reading")) }
        }
        Task {
            do throws(RPCStatus) {
                if call.withLockedValue({ $0.readerStopped }) { return }
                let connection = try await connector.connection()
                guard let id = connection.start(request, waiter: { _ in .stream(continuation) }) else {
                    continuation.finish(throwing: RPCStatus(.unavailable, "the connection closed"))
                    return
                }
                let readerStopped = call.withLockedValue { call in
                    call.started = (connection, id)
                    return call.readerStopped
                }
                if readerStopped { connection.cancel(id, RPCStatus(.cancelled, "the caller stopped reading")) }
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }

    /// Round-trip time of a ping.
    public func ping() async throws(RPCStatus) -> Duration {
        try await connector.connection().ping()
    }

    /// Closes the connection. Calls in flight fail with UNAVAILABLE; a later call reconnects.
    public func close() async {
        await connector.close()
    }

    /// `duration` in whole milliseconds, at least 1 (a timeout of 0 would mean none).
    public static func milliseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}

/// A server-streaming call as its reader and its starter see it.
private struct StreamCall {
    var started: (ClientConnection, UInt64)?
    var readerStopped = false
}

/// Opens connections one at a time, with backoff, and hands out the current one.
actor Connector {
    private let configuration: RPCClientConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private var current: ClientConnection?
    private var opening: Task<Result<ClientConnection, RPCStatus>, Never>?
    /// The TLS context, re-read when its files change; nil for plaintext.
    private let tls: ReloadingTLSContext?
    /// The open connection, readable without a hop onto the actor: every call starts here.
    private nonisolated let usable = NIOLockedValueBox<ClientConnection?>(nil)

    init(configuration: RPCClientConfiguration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.tls = configuration.tls.map { ReloadingTLSContext.client($0, logger: logger) }
    }

    /// The open connection, opening one (one at a time, with backoff) when there is none.
    nonisolated func connection() async throws(RPCStatus) -> ClientConnection {
        if let connection = usable.withLockedValue({ $0 }), connection.isUsable { return connection }
        return try await open()
    }

    private func open() async throws(RPCStatus) -> ClientConnection {
        if let current, current.isUsable { return current }
        if let opening { return try await opening.value.get() }
        let configuration = self.configuration, group = self.group, logger = self.logger, tls = self.tls
        let task = Task { () -> Result<ClientConnection, RPCStatus> in
            var delay = configuration.initialBackoff
            var attempt = 1
            while true {
                do throws(RPCStatus) {
                    return .success(try await ClientConnection.open(configuration, tls: tls, group: group, logger: logger))
                } catch {
                    // Refusals (bad token, wrong version) will not change by retrying.
                    guard error.code == .unavailable, attempt < configuration.connectAttempts, !Task.isCancelled else {
                        return .failure(error)
                    }
                    logger.debug("Reconnecting", metadata: ["rpc.attempt": "\(attempt)", "error": "\(error)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, configuration.maximumBackoff)
                    attempt += 1
                }
            }
        }
        opening = task
        let result = await task.value
        opening = nil
        if case .success(let connection) = result {
            current = connection
            usable.withLockedValue { $0 = connection }
        }
        return try result.get()
    }

    func close() {
        current?.close()
        current = nil
        usable.withLockedValue { $0 = nil }
    }
}
