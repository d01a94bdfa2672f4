@testable import EventStore
import Testing
import VPAModel

/// Several Ingest calls in one transaction: one commit, each call all-or-nothing on its own.
struct GroupCommitTests {
    func pod(_ name: String, uid: Int) -> PodBuilder {
        PodBuilder().with { $0.name = name; $0.uid = "6f1c1f4e-0000-4000-8000-00000000000\(uid)" }
    }

    func answer(_ key: String, method: String = "Ingest") -> IdempotentAnswer<IngestSummary> {
        IdempotentAnswer(key: key, method: method) { summary, head in Array("\(summary.eventsAppended)@\(head)".utf8) }
    }

    @Test func aFailedCallIsRolledBackAloneAndTheOthersCommit() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(pod("web-0", uid: 0).pod)], observedAt: minute(0))
        // A key already used by another method makes its call fail inside the group.
        try store.connection.execute("""
            INSERT INTO idempotency_keys (key_hash, key, method, position, recorded_at, response)
            VALUES (\(Projection.stableKeyHash("taken")), 'taken', 'Append', 1, 0, x'00')
            """)
        let outcomes = store.ingest(group: [
            GroupedIngest(observations: [.pod(pod("web-1", uid: 1).pod)], observedAt: minute(1), recordedAt: minute(1)),
            GroupedIngest(observations: [.pod(pod("web-2", uid: 2).pod)], observedAt: minute(1), recordedAt: minute(1),
                          condition: WriteCondition(idempotency: answer("taken"))),
            GroupedIngest(observations: [.pod(pod("web-3", uid: 3).pod)], observedAt: minute(1), recordedAt: minute(1),
                          condition: WriteCondition(expectedHead: 99)),
            GroupedIngest(observations: [.pod(pod("web-4", uid: 4).pod)], observedAt: minute(1), recordedAt: minute(1),
                          condition: WriteCondition(idempotency: answer("once"))),
            // The same key again in the same group: answered from the call before, appended once.
            GroupedIngest(observations: [.pod(pod("web-4", uid: 4).pod)], observedAt: minute(2), recordedAt: minute(2),
                          condition: WriteCondition(idempotency: answer("once"))),
        ])
        #expect(outcomes.count == 5)
        guard case .appended(let first, _) = outcomes[0], case .failed(let taken) = outcomes[1],
              case .failed(.headMoved) = outcomes[2], case .appended(_, let onceHead) = outcomes[3],
              case .replayed(let stored) = outcomes[4] else {
            Issue.record("unexpected outcomes: \(outcomes)")
            return
        }
        #expect(first.eventsAppended == 1)
        #expect("\(taken)".contains("Append"))
        // Issue 16, finding 9: the stored answer holds the head the call itself was answered with
        // (its own, not the group's), so a retry gets exactly the first answer.
        #expect(String(decoding: stored, as: UTF8.self) == "1@\(onceHead)")
        let names = store.livePods(now: minute(3)).map(\.pod.name)
        #expect(names == ["web-0", "web-1", "web-4"])
        #expect(try store.verify().isClean)
        // A second store reads the same log: the group is committed.
        #expect(try EventStore(path: db.path, access: .readOnly).livePods(now: minute(3)).map(\.pod.name) == names)
    }

    @Test func aFailureInTheMiddleOfACallRollsBackItsEarlierEvents() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        // Stream id 4 is taken behind the store's back: the second call appends web-2 (stream 3),
        // then fails interning web-5 (stream 4). web-2 must be gone from the log and from memory.
        try store.connection.execute(
            "INSERT INTO streams (id, kind, stream_key, namespace, name, created_at) VALUES (4, 2, 'squatter', 'shop', 'squatter', 0)")
        let outcomes = store.ingest(group: [
            GroupedIngest(observations: [.pod(pod("web-1", uid: 1).pod)], observedAt: minute(1), recordedAt: minute(1)),
            GroupedIngest(observations: [.pod(pod("web-2", uid: 2).pod), .pod(pod("web-5", uid: 5).pod)],
                          observedAt: minute(1), recordedAt: minute(1)),
            GroupedIngest(observations: [.pod(pod("web-3", uid: 3).pod)], observedAt: minute(1), recordedAt: minute(1)),
        ])
        guard case .appended = outcomes[0], case .failed(let error) = outcomes[1], case .appended = outcomes[2] else {
            Issue.record("unexpected outcomes: \(outcomes)")
            return
        }
        #expect("\(error)".contains("UNIQUE"), "\(error)")
        #expect(store.livePods(now: minute(2)).map(\.pod.name) == ["web-1", "web-3"])
        #expect(try store.events(EventSelector(type: .podObserved)).count == 2)
        #expect(try store.verify().isClean)
    }
}
