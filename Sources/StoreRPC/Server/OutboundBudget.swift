import NIOConcurrencyHelpers

/// The bytes of answers one connection holds: answers being built (each reserved at the largest
/// frame, as its size is not known yet) and answers built but not yet taken by the socket.
///
/// The connection's reader reserves room for a call's first answer before it starts the call, and a
/// streaming call reserves again before each later message, so a peer that sends calls and never
/// reads the answers makes the server hold at most about `limit` bytes for it: the reader waits for
/// room, which stops the socket being read (TCP backpressure), instead of starting calls that would
/// each build an answer to hold.
final class OutboundBudget: Sendable {
    let limit: Int
    /// What one answer being built reserves: the largest frame.
    let reservation: Int
    private let state = NIOLockedValueBox<State>(State())

    private struct State {
        var held = 0
        var waiters: [Waiter] = []
        /// The connection closed: nothing is held back any more, so nobody waits for room.
        var closed = false
    }

    private struct Waiter {
        var bytes: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    init(limit: Int, reservation: Int) {
        self.limit = limit
        self.reservation = reservation
    }

    /// Reserves room for one answer, waiting while the budget cannot take it. An answer larger than
    /// the whole budget still goes when nothing else is held, so every call can be answered.
    /// Returns the bytes reserved, to hand back to `settle` and `release`.
    func reserve() async -> Int {
        await wait(for: reservation)
        return reservation
    }

    /// Counts `bytes` of an answer that was built without a reservation.
    func add(_ bytes: Int) {
        state.withLockedValue { $0.held += bytes }
    }

    /// Turns a reservation into the answer's real size; returns what is now held for it.
    func settle(reserved: Int, actual: Int) -> Int {
        release(reserved - actual)
        return actual
    }

    /// Hands back `bytes` (written, or dropped with their call) and wakes whoever now fits.
    func release(_ bytes: Int) {
        guard bytes != 0 else { return }
        let woken = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.held -= bytes
            var woken: [CheckedContinuation<Void, Never>] = []
            // First come, first served: a waiter that does not fit keeps those behind it waiting.
            while let first = state.waiters.first, fits(first.bytes, held: state.held) {
                state.held += first.bytes
                woken.append(state.waiters.removeFirst().continuation)
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    private func wait(for bytes: Int) async {
        await withCheckedContinuation { continuation in
            let admitted = state.withLockedValue { state -> Bool in
                guard state.closed || (state.waiters.isEmpty && fits(bytes, held: state.held)) else {
                    state.waiters.append(Waiter(bytes: bytes, continuation: continuation))
                    return false
                }
                state.held += bytes
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// The connection closed: wakes every waiter, and no later reservation waits. Its writes fail,
    /// so the calls end without holding anything.
    func close() {
        let woken = state.withLockedValue { state in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    private func fits(_ bytes: Int, held: Int) -> Bool {
        held == 0 || held + bytes <= limit
    }
}
