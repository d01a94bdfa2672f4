import StoreRPC
import StoreWire
import VPAModel

/// Where a client loop (recommender, updater) takes "now" from.
public enum LogClock: String, Hashable, Sendable, CaseIterable {
    /// The machine's clock: production.
    case wall
    /// The log's latest `occurredAt` (`--now-from-log`): for a simulated cluster whose observations
    /// run on a fast clock, so ages, timeouts and the 12-hour rule follow the simulation.
    case log
}

extension StoreClient {
    /// The largest `occurredAt` among the log's last `tailEvents` events, or nil for an empty log:
    /// one GetServerInfo and one ReadEvents.
    public func latestOccurredAt(tailEvents: Int = 64) async throws(RPCStatus) -> Timestamp? {
        let info = try await serverInfo()
        guard info.headPosition >= info.firstPosition, info.headPosition > 0 else { return nil }
        let from = max(info.firstPosition, info.headPosition - Int64(tailEvents) + 1, 1)
        let page = try await readEvents(ReadEventsRequest(fromPosition: from, limit: tailEvents))
        return page.events.map(\.event.occurredAt).max()
    }
}
