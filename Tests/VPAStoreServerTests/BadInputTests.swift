import Foundation
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Each kind of bad input gets a clear answer (or a close) and leaves the server serving others.
@Suite struct BadInputTests {
    /// Asserts the server still answers a well-behaved client.
    func stillServing(_ server: TestServer) async throws {
        let client = server.client()
        #expect(try await client.health().serving)
        await client.close()
    }

    func connectionStatus(_ reply: RawConnection.Reply) -> RPCStatus? {
        reply.frames.compactMap { frame -> RPCStatus? in
            if case .status(let status) = frame.kind, frame.callID == 0 { return status }
            return nil
        }.first
    }

    @Test func randomBytesCloseTheConnection() async throws {
        // Random bytes may announce a plausible length and then stop: the handshake timeout closes those.
        try await withServer({ $0.handshakeTimeout = .seconds(1) }) { (server: TestServer) async throws in
            var generator = SystemRandomNumberGenerator()
            let garbage = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let reply = try await RawConnection.exchange(port: server.port, garbage)
            #expect(reply.closed)
            try await stillServing(server)
        }
    }

    @Test func aTwoGibibyteLengthIsRefusedAtOnce() async throws {
        try await withServer { (server: TestServer) async throws in
            let reply = try await RawConnection.exchange(port: server.port, RawConnection.hello + [0x80, 0, 0, 0])
            #expect(reply.closed)
            let status = try #require(connectionStatus(reply))
            #expect(status.code == .resourceExhausted)
            #expect(status.message.contains("2147483648 bytes"))
            #expect(status.message.contains("4194304"))
            try await stillServing(server)
        }
    }

    @Test func aFrameCutOffMidwayEndsOnlyThatConnection() async throws {
        try await withServer { (server: TestServer) async throws in
            let request = RawConnection.wire(Frame(callID: 1, .request(Frame.Request(
                method: StoreMethod.getServerInfo.rawValue, payload: ServerInfoRequest().encoded()))))
            let reply = try await RawConnection.exchange(port: server.port, RawConnection.hello + request.prefix(request.count - 3),
                                                         halfClose: true)
            #expect(reply.closed)
            #expect(!reply.frames.contains { $0.callID == 1 })
            try await stillServing(server)
        }
    }

    @Test func bytesThatAreNotAFrameAreInvalidArgument() async throws {
        try await withServer { (server: TestServer) async throws in
            let reply = try await RawConnection.exchange(port: server.port, RawConnection.hello + [0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF])
            #expect(reply.closed)
            #expect(connectionStatus(reply)?.code == .invalidArgument)
            try await stillServing(server)
        }
    }

    @Test func aRequestBeforeTheHandshakeIsRefused() async throws {
        try await withServer { (server: TestServer) async throws in
            let request = RawConnection.wire(Frame(callID: 1, .request(Frame.Request(
                method: StoreMethod.checkHealth.rawValue, payload: []))))
            let reply = try await RawConnection.exchange(port: server.port, request)
            #expect(reply.closed)
            let status = try #require(connectionStatus(reply))
            #expect(status.code == .failedPrecondition)
            #expect(status.message.contains("hello"))
            try await stillServing(server)
        }
    }

    @Test func aWrongProtocolVersionIsRefused() async throws {
        try await withServer { (server: TestServer) async throws in
            let hello = RawConnection.wire(Frame(callID: 0, .hello(Frame.Hello(protocolVersion: 2, peerName: "future"))))
            let reply = try await RawConnection.exchange(port: server.port, hello)
            #expect(reply.closed)
            let status = try #require(connectionStatus(reply))
            #expect(status.code == .failedPrecondition)
            #expect(status.message.contains("protocol version 2"))
            try await stillServing(server)
        }
    }

    @Test func anUnknownMethodIsUnimplemented() async throws {
        try await withServer { (server: TestServer) async throws in
            let rpc = server.rpcClient()
            do throws(RPCStatus) {
                _ = try await rpc.unary("/vpa.store.v1.Store/DropDatabase", [])
                Issue.record("an unknown method was answered")
            } catch {
                #expect(error.code == .unimplemented)
                #expect(error.message.contains("DropDatabase"))
            }
            // The same connection keeps working.
            #expect(try HealthStatus(decoding: await rpc.unary(StoreMethod.checkHealth.rawValue, [])).serving)
            await rpc.close()
        }
    }

    @Test(arguments: [
        (StoreMethod.listResizes, [0x0A, 0x08] + Array("sleeping".utf8), "ListResizesRequest.state"),
        (StoreMethod.readEvents, ReadEventsRequest(limit: 50_000).encoded(), "ReadEventsRequest.limit"),
        (StoreMethod.getResizeState, ResizeStateRequest(pod: PodKey(namespace: "", name: "web-0")).encoded(),
         "GetResizeStateRequest.namespace"),
        (StoreMethod.ingest, IngestRequest(observations: [.pod(PodObservation(namespace: "shop", name: ""))]).encoded(),
         "IngestRequest.items[0].pod.name"),
        (StoreMethod.getActualResources, [0xFF, 0x01], "GetActualResourcesRequest"),
    ] as [(StoreMethod, [UInt8], String)])
    func invalidArgumentsNameTheField(method: StoreMethod, payload: [UInt8], field: String) async throws {
        try await withServer { (server: TestServer) async throws in
            let rpc = server.rpcClient()
            do throws(RPCStatus) {
                _ = try await rpc.unary(method.rawValue, payload)
                Issue.record("an invalid \(method.shortName) request was answered")
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains(field), "\(error.message)")
            }
            await rpc.close()
            try await stillServing(server)
        }
    }

    @Test func aMissingOrWrongTokenIsUnauthenticated() async throws {
        try await withServer({ $0.token = "correct horse" }) { (server: TestServer) async throws in
            for token in ["", "wrong"] {
                let client = server.client(token: token)
                do throws(RPCStatus) {
                    _ = try await client.health()
                    Issue.record("a call with token \"\(token)\" was answered")
                } catch {
                    #expect(error.code == .unauthenticated)
                }
                await client.close()
            }
            let good = server.client(token: "correct horse")
            #expect(try await good.health().serving)
            #expect(try await good.serverInfo().settings.tokenRequired)
            await good.close()
        }
    }
}
