import NIOConcurrencyHelpers

/// What every caller passes to reach the store's actor (`LocalStore`'s calls, the probes, the
/// metrics collector), so closing the store does not shut its thread down under them: a job
/// enqueued on an event loop that has shut down is dropped, and whoever awaited it would wait
/// forever (a `/readyz` or a scrape arriving while the server stops, a call after `close()`).
final class CoreAccessGate: Sendable {
    private struct State {
        var open = true
        var inside = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Runs `body` unless the gate is closed (then nil), keeping the gate from finishing its close
    /// until `body` returns.
    func pass<T: Sendable>(_ body: () async -> T) async -> T? {
        guard enter() else { return nil }
        let result = await body()
        leave()
        return result
    }

    /// Lets a caller in unless the gate is closed; one that got in calls `leave()` when done.
    func enter() -> Bool {
        state.withLockedValue { state -> Bool in
            guard state.open else { return false }
            state.inside += 1
            return true
        }
    }

    func leave() {
        state.withLockedValue { $0.inside -= 1 }
    }

    /// Closes the gate and returns once everyone inside has left: true for the call that closed
    /// it, false when it was closed already (so what follows a close runs once).
    @discardableResult
    func close() async -> Bool {
        let closing = state.withLockedValue { state -> Bool in
            defer { state.open = false }
            return state.open
        }
        while state.withLockedValue({ $0.inside }) > 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return closing
    }
}
