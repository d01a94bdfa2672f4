import NIOConcurrencyHelpers

/// What callers outside the RPC path (the probes, the metrics collector) pass to reach the store's
/// actor, so `StoreServer.run` does not shut the store's thread down under them: a job enqueued on
/// an event loop that has shut down is dropped, and whoever awaited it would wait forever (a
/// `/readyz` or a scrape arriving while the server stops).
final class CoreAccessGate: Sendable {
    private struct State {
        var open = true
        var inside = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Runs `body` unless the gate is closed (then nil), keeping the gate from finishing its close
    /// until `body` returns.
    func pass<T: Sendable>(_ body: () async -> T) async -> T? {
        let entered = state.withLockedValue { state -> Bool in
            guard state.open else { return false }
            state.inside += 1
            return true
        }
        guard entered else { return nil }
        let result = await body()
        state.withLockedValue { $0.inside -= 1 }
        return result
    }

    /// Closes the gate and returns once everyone inside has left.
    func close() async {
        state.withLockedValue { $0.open = false }
        while state.withLockedValue({ $0.inside }) > 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
