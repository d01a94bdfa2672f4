import Foundation
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// `vpa-store ingest --server`: sends the decoded observations as Ingest calls.
///
/// One call is one transaction on the server. The input goes in as few calls as the server's frame
/// limit allows (or `--batch-size` objects per call); each call carries its own idempotency key, so
/// the client's retry (`RetryPolicy.default`, when the connection drops) never appends twice.
struct RemoteIngest {
    let client: StoreClient
    let endpoint: RPCEndpoint
    /// Objects per call before checking the encoded size.
    static let defaultChunk = 2000

    func send(_ observations: [Observation], observedAt: Timestamp, inPlaceMode: InPlaceMode?, batchSize: Int?)
        async throws -> IngestSummary {
        let welcome: Frame.Welcome
        do throws(RPCStatus) { welcome = try await client.rpc.welcome() } catch { throw CLIError("\(endpoint): \(error)") }
        // Leave room for the frame's own fields around the payload.
        let limit = Int(welcome.maxFrameBytes) - 1024
        let run = UUID().uuidString
        var summary = IngestSummary()
        var start = 0
        var callIndex = 0
        repeat {
            var count = min(batchSize ?? Self.defaultChunk, observations.count - start)
            var request: IngestRequest
            var bytes: [UInt8]
            repeat {
                request = IngestRequest(idempotencyKey: "vpa-store-ingest/\(run)/\(callIndex)", observedAt: observedAt,
                                        inPlaceMode: start == 0 ? inPlaceMode : nil,
                                        observations: Array(observations[start..<start + count]))
                bytes = request.encoded()
                if bytes.count <= limit || count == 1 { break }
                guard batchSize == nil else {
                    throw CLIError("--batch-size \(batchSize!) makes a call of \(bytes.count) bytes, above the server's limit of \(welcome.maxFrameBytes); use a smaller --batch-size")
                }
                count = max(1, count / 2)
            } while true
            summary.add(try await call(request))
            start += count
            callIndex += 1
        } while start < observations.count
        return summary
    }

    private func call(_ request: IngestRequest) async throws -> IngestSummary {
        do throws(RPCStatus) {
            return try await client.ingest(request, timeout: .seconds(300)).summary
        } catch {
            throw CLIError("\(endpoint): \(error)")
        }
    }
}
