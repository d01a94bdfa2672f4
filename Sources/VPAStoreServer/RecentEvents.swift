import NIOConcurrencyHelpers
import NIOCore
import StoreAPI
import StoreWire
import VPAModel

/// The most recent committed events, for live Watch delivery, behind a lock rather than inside the
/// store actor: a watcher reads its next page and waits for the head without queueing behind the
/// commits the actor is running (with pages served by the actor, delivery waited for a whole
/// group commit; bench). The store actor is the only writer: it publishes each commit's events.
///
/// Bounded, whatever the number of watchers: a watcher behind the buffer reads the log instead.
final class RecentEvents: Sendable {
    private struct State {
        var buffer: CircularBuffer<BufferedEvent>
        let capacity: Int
        /// The newest committed position.
        var head: Int64
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var shuttingDown = false
        /// Watch calls following the log now.
        var followers = 0
        /// The last position compaction removed: a page from at or below it is read from the log,
        /// which answers OUT_OF_RANGE.
        var compactedThrough: Int64 = 0
    }

    /// A watcher waiting for the head, and the timer that ends its wait.
    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        var timer: Task<Void, Never>?

        func resume(_ moved: Bool) {
            timer?.cancel()
            continuation.resume(returning: moved)
        }
    }

    private let state: NIOLockedValueBox<State>

    init(capacity: Int, head: Int64) {
        state = NIOLockedValueBox(State(buffer: CircularBuffer(initialCapacity: min(max(1, capacity), 1024)),
                                        capacity: max(1, capacity), head: head))
    }

    var headPosition: Int64 { state.withLockedValue { $0.head } }
    var isShuttingDown: Bool { state.withLockedValue { $0.shuttingDown } }

    /// Adds a commit's events, moves the head, and wakes every waiting watcher.
    ///
    /// While a Watch follows the log each event is encoded here, once, before the lock is taken:
    /// encoded lazily under the lock, the first watcher to reach a commit held up the other
    /// watchers and the next commit's publish for as long as it encoded a whole page.
    func publish(_ records: [EventRecord], head: Int64) {
        let encodings = state.withLockedValue { $0.followers } > 0 ? records.map(EventPage.encodedEvent) : nil
        let waiters = state.withLockedValue { state -> [Waiter] in
            for (offset, record) in records.enumerated() {
                if case .usageExpired(let expiry) = record.event.body { Self.forgetUsage(before: expiry.before, in: &state.buffer) }
                if state.buffer.count == state.capacity { state.buffer.removeFirst() }
                state.buffer.append(BufferedEvent(record: record, encoded: encodings?[offset]))
            }
            state.head = max(state.head, head)
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(true) }
    }

    /// A Watch call starts or stops following the log (`by` 1 or -1): while any does, commits are
    /// encoded as they are published.
    func followersChanged(by change: Int) {
        state.withLockedValue { $0.followers += change }
    }

    /// A page of events from `from` (inclusive), for in-process readers; nil when `from` is older
    /// than the buffer (the caller reads the log).
    func page(from: Int64, selector: EventSelector, limit: Int) -> EventPage? {
        state.withLockedValue { state in
            var events: [EventRecord] = []
            let bounds = Self.walk(state, from: from, selector: selector, limit: limit) { buffered in events.append(buffered.record) }
            return bounds.map { EventPage(events: events, nextPosition: $0.next, headPosition: $0.head) }
        }
    }

    /// The same page as the wire carries it, assembled from events each encoded once however many
    /// watchers receive them; nil when `from` is older than the buffer (the caller reads the log).
    ///
    /// Only the cached encodings are taken under the lock (a retain each): 16 watchers copying
    /// whole `EventRecord`s and concatenating pages under it held up the commits that publish
    /// here (`RecentEvents.page` was 18 % of the server's CPU in `vpa-store bench` with 16 watchers).
    func encodedPage(from: Int64, selector: EventSelector, limit: Int) -> EncodedEventPage? {
        var encodedEvents: [[UInt8]] = []
        var firstPosition: Int64?
        let bounds = state.withLockedValue { state in
            Self.walk(state, from: from, selector: selector, limit: limit) { buffered in
                if buffered.encoded == nil { buffered.encoded = EventPage.encodedEvent(buffered.record) }
                if firstPosition == nil { firstPosition = buffered.position }
                encodedEvents.append(buffered.encoded!)
            }
        }
        guard let bounds else { return nil }
        return EncodedEventPage(count: encodedEvents.count, firstPosition: firstPosition,
                                nextPosition: bounds.next, headPosition: bounds.head,
                                bytes: EventPage.encoded(events: encodedEvents, nextPosition: bounds.next, headPosition: bounds.head))
    }

    /// Walks the buffered events from `from` that `selector` matches, at most `limit`, and returns
    /// the next position to read and the head; nil when `from` is older than the buffer. The
    /// caller holds the lock: `take` may fill in an event's `encoded`.
    private static func walk(_ state: State, from: Int64, selector: EventSelector, limit: Int,
                             _ take: (BufferedEvent) -> Void) -> (next: Int64, head: Int64)? {
        let head = state.head
        if from > head { return (from, head) }
        guard let oldest = state.buffer.first?.position, from >= oldest, from > state.compactedThrough else { return nil }
        var taken = 0
        var next = from
        // Positions ascend but may skip (usage retention can remove a sample appended moments
        // ago), so the start is searched for, not computed.
        var index = firstIndex(atOrAfter: from, in: state.buffer)
        while index != state.buffer.endIndex, taken < limit {
            let buffered = state.buffer[index]
            if selector.matches(buffered.record) {
                take(buffered)
                taken += 1
            }
            next = buffered.position + 1
            index = state.buffer.index(after: index)
        }
        return (next, head)
    }

    /// Waits until the head passes `position` (true), or `timeout` passes, the call is cancelled or
    /// the server shuts down (false).
    func waitForHead(beyond position: Int64, timeout: Duration) async -> Bool {
        let id = state.withLockedValue { state -> Int? in
            if state.head > position || state.shuttingDown { return nil }
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        guard let id else { return headPosition > position }
        if Task.isCancelled { return false }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLockedValue { state -> Bool? in
                    // The head may have moved between the check above and here.
                    if state.head > position { return true }
                    if state.shuttingDown { return false }
                    state.waiters[id] = Waiter(continuation: continuation, timer: nil)
                    return nil
                }
                if let resumeNow {
                    continuation.resume(returning: resumeNow)
                    return
                }
                // A cancellation that came before the waiter was registered found nothing to end.
                if Task.isCancelled { self.expire(id) }
                // The timer is cancelled when the wait ends another way, so idle timers do not pile up.
                let timer = Task {
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { self.expire(id) }
                }
                let waiting = state.withLockedValue { state -> Bool in
                    guard state.waiters[id] != nil else { return false }
                    state.waiters[id]?.timer = timer
                    return true
                }
                if !waiting { timer.cancel() }
            }
        } onCancel: {
            // A cancelled watch (client cancel, deadline) stops waiting at once.
            self.expire(id)
        }
    }

    /// Forgets the events compaction removed from the log (through `position`), so memory serves
    /// no event the file no longer has.
    func compacted(through position: Int64) {
        state.withLockedValue { state in
            state.compactedThrough = max(state.compactedThrough, position)
            while let first = state.buffer.first, first.position <= position { state.buffer.removeFirst() }
        }
    }

    /// Wakes every waiting watcher so it can end its call.
    func beginShutdown() {
        let waiters = state.withLockedValue { state -> [Waiter] in
            state.shuttingDown = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(false) }
    }

    private func expire(_ id: Int) {
        state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume(false)
    }

    /// Drops the usage samples retention just removed from the log, so a watcher reads the same
    /// log from memory as from the file. Once per retention sweep.
    private static func forgetUsage(before: Timestamp, in buffer: inout CircularBuffer<BufferedEvent>) {
        func isExpired(_ event: StoredEvent) -> Bool {
            if case .usageSampled(let sample) = event.body { return sample.at < before }
            return false
        }
        guard buffer.contains(where: { isExpired($0.record.event) }) else { return }
        var kept = CircularBuffer<BufferedEvent>(initialCapacity: buffer.count)
        for buffered in buffer where !isExpired(buffered.record.event) { kept.append(buffered) }
        buffer = kept
    }

    /// The index of the first buffered event at or after `position` (binary search).
    private static func firstIndex(atOrAfter position: Int64, in buffer: CircularBuffer<BufferedEvent>)
        -> CircularBuffer<BufferedEvent>.Index {
        var low = 0, high = buffer.count
        while low < high {
            let middle = (low + high) / 2
            if buffer[buffer.index(buffer.startIndex, offsetBy: middle)].position < position {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return buffer.index(buffer.startIndex, offsetBy: low)
    }
}

/// A page of events as the wire carries it (a `WatchResponse`), with what the server needs to know
/// of it without decoding it.
struct EncodedEventPage {
    /// How many events the page holds.
    var count: Int
    /// The position of its first event, if it has one.
    var firstPosition: Int64?
    var nextPosition: Int64
    var headPosition: Int64
    var bytes: [UInt8]
}

extension EncodedEventPage {
    /// A page read from the log, encoded here.
    init(_ page: EventPage) {
        self.init(count: page.events.count, firstPosition: page.events.first?.event.position,
                  nextPosition: page.nextPosition, headPosition: page.headPosition, bytes: page.encoded())
    }
}

/// One event of the recent buffer, with its `LoggedEvent` encoding once a watcher has needed it.
///
/// A class, so that walking a page takes one retain per event: as a struct, each read of an element
/// through `CircularBuffer`'s (unspecialized) subscript copied the whole `EventRecord`, a retain per
/// string and array in it, for every watcher (`swift_retain` was 8 % of the machine with 16 watchers).
/// `encoded` is written and read only under `RecentEvents`' lock.
final class BufferedEvent: @unchecked Sendable {
    let record: EventRecord
    let position: Int64
    var encoded: [UInt8]?

    init(record: EventRecord, encoded: [UInt8]?) {
        self.record = record
        self.position = record.event.position
        self.encoded = encoded
    }
}
