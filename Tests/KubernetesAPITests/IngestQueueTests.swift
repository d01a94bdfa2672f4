@testable import ClusterFeed
import Testing
import VPAModel

/// The feed's queue: large arrivals split into batches the store's frame can take; a full queue
/// waits while the store makes progress and drops everything when it has been silent too long.
@Suite struct IngestQueueTests {
    static func pods(_ count: Int) -> [Observation] {
        (0..<count).map { .pod(PodObservation(uid: "uid-\($0)", namespace: "shop", name: "pod-\($0)")) }
    }

    @Test func anArrivalLargerThanABatchIsSplit() async {
        let queue = IngestQueue(limit: 10_000)
        #expect(await queue.enqueue(Self.pods(1_000), at: Timestamp(unixMilliseconds: 1)))
        #expect(await queue.enqueue(Self.pods(50), at: Timestamp(unixMilliseconds: 2)))
        var sizes: [Int] = []
        while case .batch(let batch) = await queue.next(maxObservations: 300, maxAge: .zero) {
            sizes.append(batch.observations.count)
        }
        #expect(sizes == [300, 300, 300, 150])
        #expect(await queue.count == 0)
    }

    @Test func aFullQueueWaitsForRoomWhileTheStoreProgresses() async throws {
        // A stall limit far beyond the test's length: only room decides.
        let queue = IngestQueue(limit: 100, stallLimit: .seconds(600))
        #expect(await queue.enqueue(Self.pods(80), at: Timestamp(unixMilliseconds: 1)))
        let waiting = Task { await queue.enqueue(Self.pods(40), at: Timestamp(unixMilliseconds: 2)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(await queue.count == 80, "the enqueue that does not fit must wait")
        await queue.progressed()
        _ = await queue.next(maxObservations: 50, maxAge: .zero)
        #expect(await waiting.value)
        #expect(await queue.count == 70)
        #expect(await !queue.hasOverflowed)
    }

    @Test func aFullQueueOverflowsWhenTheStoreHasBeenSilentTooLong() async {
        let queue = IngestQueue(limit: 100, stallLimit: .milliseconds(200))
        #expect(await queue.enqueue(Self.pods(80), at: Timestamp(unixMilliseconds: 1)))
        // Nothing is ever acknowledged: the enqueue that does not fit ends in an overflow.
        #expect(await !queue.enqueue(Self.pods(40), at: Timestamp(unixMilliseconds: 2)))
        #expect(await queue.hasOverflowed)
        #expect(await queue.droppedByLastOverflow == 120)
        #expect(await queue.count == 0)
        guard case .overflowed = await queue.next(maxObservations: 50, maxAge: .zero) else {
            Issue.record("a batch came out of an overflowed queue")
            return
        }
    }
}
