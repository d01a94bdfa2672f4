import EventStore
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel

extension StoreService {
    /// Events the watcher has not seen yet, at most this many per message. Each page is one turn
    /// of the store actor, which writers share: with 1,000 a watcher moved 1,000 events per turn
    /// while four writers appended 4,000, and fell behind for good (measured by `vpa-store bench`).
    /// 8,192 events of ~150 bytes stay well inside the default 4 MiB frame (a page too large for
    /// the frame is halved).
    static let watchPageLimit = 8192

    /// Serves one Watch: catch up from the requested position (from memory or the log), then wait
    /// for commits and deliver them; an idle watch gets a progress message (no events, the head)
    /// every progress interval. The watcher holds at most one page: a slow reader makes the
    /// server's writes wait (back-pressure) and, once it is behind the in-memory buffer, reads the
    /// log instead, so server memory does not grow with a slow watcher.
    func watch(_ request: WatchRequest, _ call: ServerCall) async throws {
        let head = await core.headPosition
        var next = request.fromPosition ?? head + 1
        try await local.checkRange(next, field: "from_position")
        let progressInterval = request.progressIntervalMilliseconds.map { Duration.milliseconds(Int64($0)) }
            ?? configuration.watchProgressInterval
        // Each progress message wakes the watcher's task; a few hundred watches at 1 ms would take
        // the server's cores from everyone else.
        let minimum = configuration.minimumWatchProgressInterval
        if progressInterval < minimum {
            throw RPCStatus(.resourceExhausted, "progress_interval_ms \(request.progressIntervalMilliseconds ?? 0) is below the "
                            + "server's minimum of \(RPCClient.milliseconds(minimum)) ms; ask for a longer interval or lower "
                            + "--min-watch-progress-interval")
        }
        metrics.watchersChanged(by: 1)
        core.recent.followersChanged(by: 1)
        defer {
            metrics.watchersChanged(by: -1)
            core.recent.followersChanged(by: -1)
        }
        var lastSent = ContinuousClock.now
        while true {
            // A cancelled or timed-out call ends here; its status was already sent.
            if call.hasEnded || Task.isCancelled { return }
            if core.recent.isShuttingDown {
                throw RPCStatus(.unavailable, "the server is shutting down; resume the watch from position \(next)")
            }
            // Room for the page is reserved before it is read, so a watcher that does not read holds
            // at most the connection's budget (see ServerCall.respond(building:)).
            var head: Int64 = 0
            let sent = try await call.respond { () async throws(RPCStatus) -> [UInt8]? in
                let page = try await encodedPage(from: next, selector: request.selector, limit: Self.watchPageLimit)
                next = page.nextPosition
                head = page.headPosition
                return page.count == 0 ? nil : page.bytes
            }
            if sent {
                lastSent = .now
                continue
            }
            if next <= head { continue }  // skipped events that did not match
            let moved = await core.recent.waitForHead(beyond: head, timeout: progressInterval)
            if !moved, ContinuousClock.now - lastSent >= progressInterval, !core.recent.isShuttingDown {
                try await call.respond(EventPage(events: [], nextPosition: next, headPosition: core.recent.headPosition).encoded())
                lastSent = .now
            }
        }
    }
}
