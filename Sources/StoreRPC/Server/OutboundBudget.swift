import NIOConcurrencyHelpers

/// The bytes of answers one connection holds: answers being built (reserved before they are built,
/// as their size is not known yet) and answers built but not yet taken by the socket.
///
/// The connection's reader reserves a small admission (`admissionBytes`) for each call before
/// starting it; a call whose answer may be large (a page of events, a list) raises its reservation
/// to the largest frame before building it (`ServerCall.respond(building:)`), and a streaming call
/// reserves again before each later message. So a peer that sends calls and never reads the
/// answers makes the server hold at most about `limit` bytes for it: once it is full the reader
/// waits, which stops the socket being read (TCP backpressure), instead of starting calls that
/// would each build an answer to hold. Small answers (a point read, an ingest summary) never wait
/// for room a page of events would need.
final class OutboundBudget: Sendable {
    let limit: Int
    /// What the reader reserves for a call before starting it: enough for a small answer.
    let admissionBytes: Int
    /// What an answer built in bulk reserves before it is built: the largest frame.
    let bulkBytes: Int
    private let state = NIOLockedValueBox<State>(State())

    private struct State {
        var held = 0
        var waiters: [Waiter] = []
        /// The connection closed: nothing is held back any more, so nobody waits for room.
        var closed = false
    }

    private struct Waiter {
        /// Bytes the waiter adds.
        var bytes: Int
        /// Bytes the waiter already holds: it never waits for itself.
        var own: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    init(limit: Int, largestFrame: Int) {
        self.limit = limit
        self.bulkBytes = largestFrame
        self.admissionBytes = Swift.min(64 * 1024, largestFrame)
    }

    /// Reserves a call's admission, waiting while the budget is full. Returns the bytes held.
    func admit() async -> Int {
        await wait(adding: admissionBytes, holding: 0)
        return admissionBytes
    }

    /// Raises what a call holds from `held` to room for the largest frame, waiting while the
    /// budget cannot take it; an answer larger than the budget still goes when nothing else is
    /// held, so every call can be answered. Returns the bytes now held.
    func reserveBulk(holding held: Int) async -> Int {
        guard held < bulkBytes else { return held }
        await wait(adding: bulkBytes - held, holding: held)
        return bulkBytes
    }

    /// Sets what a call holds from `held` to `actual` (its answer's real size) without waiting:
    /// the answer exists already. Returns `actual`.
    func settle(holding held: Int, actual: Int) -> Int {
        if actual > held {
            state.withLockedValue { $0.held += actual - held }
        } else {
            release(held - actual)
        }
        return actual
    }

    /// Hands back `bytes` (written, or dropped with their call) and wakes whoever now fits.
    func release(_ bytes: Int) {
        guard bytes != 0 else { return }
        let woken = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.held -= bytes
            var woken: [CheckedContinuation<Void, Never>] = []
            // First come, first served: a waiter that does not fit keeps those behind it waiting.
            while let first = state.waiters.first, fits(first, held: state.held) {
                state.held += first.bytes
                woken.append(state.waiters.removeFirst().continuation)
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
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

    private func wait(adding bytes: Int, holding own: Int) async {
        await withCheckedContinuation { continuation in
            let waiter = Waiter(bytes: bytes, own: own, continuation: continuation)
            let admitted = state.withLockedValue { state -> Bool in
                guard state.closed || (state.waiters.isEmpty && fits(waiter, held: state.held)) else {
                    state.waiters.append(waiter)
                    return false
                }
                state.held += bytes
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    private func fits(_ waiter: Waiter, held: Int) -> Bool {
        held - waiter.own == 0 || held + waiter.bytes <= limit
    }
}
