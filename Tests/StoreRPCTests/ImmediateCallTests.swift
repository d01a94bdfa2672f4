import Logging
import NIOConcurrencyHelpers
import NIOCore
import StoreAPI
import StoreRPC
import StoreWire
import Testing

/// A service that answers one method only at once (`immediateAnswer`) and fails it in `handle`:
/// a call that comes back with the immediate answer went through `ImmediateCallHandler`.
private struct ImmediateOnlyService: RPCService {
    static let immediate = "/test.Immediate/Now"
    static let answer: [UInt8] = [1, 2, 3]
    let ended = NIOLockedValueBox<[String]>([])

    func welcome(_ hello: Frame.Hello, peer: String) async throws(RPCStatus) -> Frame.Welcome {
        Frame.Welcome(serverVersion: "test", storeID: "immediate-test", headPosition: 0, maxFrameBytes: 4 << 20)
    }

    func immediateAnswer(method: String, payload: [UInt8]) -> [UInt8]? {
        method == Self.immediate && payload != [0] ? Self.answer : nil
    }

    func handle(_ call: ServerCall) async throws {
        if call.method == Self.immediate { throw RPCStatus(.failedPrecondition, "handled the usual way") }
        try await call.respond(call.payload)
    }

    func callEnded(method: String, status: RPCStatus.Code, duration: Duration) {
        ended.withLockedValue { $0.append("\(method) \(status)") }
    }
}

/// `RPCService.immediateAnswer` over real TCP: the answer is sent without the call's task, the
/// call is counted, and a request the service declines takes the usual way.
@Suite struct ImmediateCallTests {
    @Test func aCallTheServiceAnswersAtOnceNeverReachesHandle() async throws {
        let service = ImmediateOnlyService()
        let server = RPCServer(configuration: RPCServerConfiguration(listen: .tcp(host: "127.0.0.1", port: 0),
                                                                     shutdownGrace: .seconds(1)),
                               service: service, logger: Logger(label: "immediate-test") { _ in SwiftLogNoOpLogHandler() })
        let address = try await server.bind()
        let running = Task { try await server.run() }
        let client = RPCClient(configuration: RPCClientConfiguration(
            endpoint: .tcp(host: "127.0.0.1", port: address?.port ?? 0), peerName: "immediate-test",
            connectTimeout: .seconds(60), connectAttempts: 1))
        #expect(try await client.unary(ImmediateOnlyService.immediate, [7]) == ImmediateOnlyService.answer)
        // Declined (payload [0]): `handle` answers, with its own status.
        do throws(RPCStatus) {
            _ = try await client.unary(ImmediateOnlyService.immediate, [0])
            Issue.record("a declined call was answered at once")
        } catch {
            #expect(error.code == .failedPrecondition, "\(error)")
        }
        #expect(try await client.unary("/test.Echo/Echo", [9, 9]) == [9, 9])
        await client.close()
        server.shutdown()
        _ = try? await running.value
        #expect(service.ended.withLockedValue { $0 }.first == "\(ImmediateOnlyService.immediate) \(RPCStatus.Code.ok)")
    }
}
