import Foundation
import StoreWire
import VPAModel
import VPAStoreClient

extension RecommenderRunnerConfiguration {
    /// Where a loop's "now" comes from when `RecommenderRunner.runOnce(now:)` is not given one.
    public enum Clock: String, Hashable, Sendable, CaseIterable {
        /// The machine's clock: production.
        case wall
        /// The latest `occurredAt` the runner has read from the store's log (`--now-from-log`): for a
        /// simulated cluster whose observations run on a fast clock, so histogram ages, checkpoints and
        /// expiry follow the simulation. Before the runner has read any event, the latest `occurredAt`
        /// among the log's last 64 events; the wall clock for an empty log.
        case log
    }
}

/// Time as the runner reads it.
enum LogTime {
    /// How many events at the end of the log `latest(in:)` reads.
    static let tailEvents = 64

    /// The machine's clock.
    static var wallTime: Timestamp {
        Timestamp(unixMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The largest `occurredAt` among the log's last events, or nil for an empty log. One
    /// `GetServerInfo` and one `ReadEvents` of at most `tailEvents` events.
    static func latest(in client: StoreClient) async throws -> Timestamp? {
        let info = try await client.serverInfo()
        guard info.headPosition >= info.firstPosition, info.headPosition > 0 else { return nil }
        let from = max(info.firstPosition, info.headPosition - Int64(tailEvents) + 1, 1)
        let page = try await client.readEvents(ReadEventsRequest(fromPosition: from, limit: tailEvents))
        return page.events.map(\.event.occurredAt).max()
    }
}
