import LogCodec
import StoreAPI
import StoreWire
import Testing
import VPAModel

@Suite struct FrameCodecTests {
    static let frames: [Frame] = [
        Frame(callID: 0, .hello(Frame.Hello(peerName: "vpa-updater", token: "s3cret"))),
        Frame(callID: 0, .welcome(Frame.Welcome(serverVersion: "0.3.0", storeID: "abc", headPosition: 42, maxFrameBytes: 4 << 20))),
        Frame(callID: 7, .request(Frame.Request(method: StoreMethod.getActualResources.rawValue, timeoutMilliseconds: 250,
                                                metadata: [Frame.Metadata(key: "k", value: "v")], payload: [1, 2, 3]))),
        Frame(callID: 7, .request(Frame.Request(method: StoreMethod.checkHealth.rawValue, payload: []))),
        Frame(callID: 7, .message([0, 255, 10])),
        Frame(callID: 7, .message([])),
        Frame(callID: 7, .status(RPCStatus(.invalidArgument, "field x: bad"))),
        Frame(callID: 7, .status(.ok)),
        Frame(callID: 9, .cancel),
        Frame(callID: 0, .ping(UInt64.max)),
        Frame(callID: 0, .pong(1)),
        Frame(callID: 0, .goAway(lastCallID: 12, reason: "server shutting down")),
    ]

    @Test(arguments: frames)
    func everyFrameKindRoundTrips(_ frame: Frame) throws {
        #expect(try FrameCodec.decode(FrameCodec.encode(frame)) == frame)
    }

    @Test func bytesThatAreNotAFrameAreRefused() {
        #expect(throws: WireError.self) { try FrameCodec.decode([0xFF, 0xFF, 0xFF]) }
    }

    @Test func aFrameWithoutKindIsRefused() {
        // Field 1 (call_id) = 5, no oneof member.
        #expect(throws: WireError.invalidValue(field: "Frame.kind", reason: "no kind is set (or one this binary does not know)")) {
            try FrameCodec.decode([0x08, 0x05])
        }
    }

    @Test func aStatusCodeOutsideGRPCsIsRefused() {
        // Frame{call_id: 1, status: {code: 99}}
        #expect(throws: WireError.self) { try FrameCodec.decode([0x08, 0x01, 0x32, 0x02, 0x08, 0x63]) }
    }

    @Test func statusCodesKeepGRPCsNumbers() {
        #expect(RPCStatus.Code.allCases.count == 17)
        #expect(RPCStatus.Code.invalidArgument.rawValue == 3)
        #expect(RPCStatus.Code.unauthenticated.rawValue == 16)
        #expect(RPCStatus.Code.outOfRange.name == "OUT_OF_RANGE")
    }
}
