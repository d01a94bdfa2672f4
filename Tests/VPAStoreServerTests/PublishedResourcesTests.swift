import EventStore
import Foundation
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport
@testable import VPAStoreServer

/// Point reads answered from the resources `StoreCore` publishes after each commit (on a server,
/// on the connection's event loop) give what the actor gives, through every kind of change a pod
/// goes through, and the connection's rules still hold for them.
@Suite struct PublishedResourcesTests {
    private let names = [("shop", "web-0"), ("shop", "web-1"), ("shop", "web-2"), ("other", "web-2"), ("shop", "absent")]

    /// For each pod name (and each container filter), the published answer equals the actor's.
    private func expectPublishedEqualsActor(_ store: LocalStore, _ step: String,
                                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let published = try #require(store.core.publishedResources, sourceLocation: sourceLocation)
        for (namespace, pod) in names {
            for container in [nil, "app", "sidecar"] {
                let request = ActualResourcesRequest(namespace: namespace, pod: pod, container: container)
                let fromActor = try await store.core.actualResources(request)
                let answer = try #require(published.answer(request), "\(step): \(namespace)/\(pod) was not answered",
                                          sourceLocation: sourceLocation)
                #expect(answer == fromActor, "\(step): \(namespace)/\(pod) container \(container ?? "any")",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func publishedAnswersEqualTheActorsThroughEveryChange() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-published-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.db").path
        var store = try LocalStore.open(path: path, access: .readWrite)

        _ = try await store.ingest(IngestRequest(observedAt: minute(0), observations: ["web-0", "web-1", "web-2"].map {
            .pod(Pods.pod($0))
        }))
        try await expectPublishedEqualsActor(store, "three new pods")
        #expect(try await store.actualResources(ActualResourcesRequest(namespace: "shop", pod: "web-0")).containers.count == 1)

        // A resize the kubelet deferred: desired and actual differ, the resize state moves.
        _ = try await store.ingest(IngestRequest(observedAt: minute(1), observations: [
            .pod(Pods.pod("web-0", cpu: 500, status: false, conditions: Pods.deferred))]))
        try await expectPublishedEqualsActor(store, "a deferred resize")

        // Usage samples change no pod, but move the head every answer carries.
        _ = try await store.ingest(IngestRequest(observedAt: minute(2), observations: [
            .usage(UsageObservation(namespace: "shop", pod: "web-1", sample: UsageSample(
                at: minute(2), windowMilliseconds: 60_000, containers: [.init(name: "app", cpuMillicores: 100, memoryBytes: 1 << 20)])))]))
        try await expectPublishedEqualsActor(store, "a usage sample")

        // A deleted pod, then a new pod of the same name (another UID).
        _ = try await store.ingest(IngestRequest(observedAt: minute(3), observations: [.podDeleted(Pods.pod("web-1"))]))
        try await expectPublishedEqualsActor(store, "a deleted pod")
        #expect(try await store.actualResources(ActualResourcesRequest(namespace: "shop", pod: "web-1")).containers.isEmpty)
        _ = try await store.ingest(IngestRequest(observedAt: minute(4), observations: [.pod(Pods.pod("web-1", uid: "uid-new", cpu: 300))]))
        try await expectPublishedEqualsActor(store, "the same name again")

        // A UID that moves namespace: its views leave the old name.
        _ = try await store.ingest(IngestRequest(observedAt: minute(5), observations: [
            .pod(Pods.pod("web-2", namespace: "other", uid: "uid-shop-web-2"))]))
        try await expectPublishedEqualsActor(store, "a UID moving namespace")

        // A store opened again publishes what it replayed.
        await store.close()
        store = try LocalStore.open(path: path, access: .readWrite)
        try await expectPublishedEqualsActor(store, "after reopening")

        // A closed store answers nothing from its published views: the actor's way says it is closed.
        await store.close()
        #expect(store.core.publishedResources?.answer(ActualResourcesRequest(namespace: "shop", pod: "web-0")) == nil)
    }

    /// Only a point read of the present is answered from the published views.
    @Test func otherResourceReadsTakeTheActorsWay() async throws {
        let published = PublishedResources(metrics: StoreMetrics())
        for request in [
            ActualResourcesRequest(namespace: "shop"),
            ActualResourcesRequest(pod: "web-0"),
            ActualResourcesRequest(namespace: "shop", pod: "web-0", owner: (kind: "ReplicaSet", name: "web-5d8f")),
            ActualResourcesRequest(namespace: "shop", pod: "web-0", at: .position(1)),
            ActualResourcesRequest(namespace: "shop", pod: "web-0", limit: 1),
        ] {
            #expect(published.answer(request) == nil, "\(request)")
        }
        #expect(published.answer(ActualResourcesRequest(namespace: "shop", pod: "web-0"))?.containers == [])
    }

    /// A request that reuses the id of a call in flight closes the connection, as it did before
    /// point reads were answered on the event loop, even when both arrive in one read after the
    /// welcome: the point read waits for the Watch before it to be started, and then finds its id
    /// taken.
    @Test func aPointReadReusingTheIDOfACallInFlightClosesTheConnection() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            await client.close()
            let watch = RawConnection.wire(Frame(callID: 7, .request(Frame.Request(
                method: StoreMethod.watch.rawValue, payload: WatchRequest(fromPosition: 1).encoded()))))
            let read = RawConnection.wire(Frame(callID: 7, .request(Frame.Request(
                method: StoreMethod.getActualResources.rawValue,
                payload: ActualResourcesRequest(namespace: "shop", pod: "web-0").encoded()))))
            let reply = try await RawConnection.exchange(port: server.port, RawConnection.hello, afterFirstFrame: watch + read)
            #expect(reply.closed)
            let status = reply.frames.compactMap { frame -> RPCStatus? in
                if case .status(let status) = frame.kind, frame.callID == 0 { return status }
                return nil
            }.first
            #expect(status?.code == .invalidArgument && status?.message.contains("already in flight") == true, "\(String(describing: status))")
        }
    }

    /// Over TCP, a point read answers what the actor answers, with its message and status, and
    /// the server counts the call.
    @Test func aPointReadOverTCPAnswersWhatTheActorDoes() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0")), .pod(Pods.pod("web-1"))]))
            let overTCP = try await client.actualResources(ActualResourcesRequest(namespace: "shop", pod: "web-1"))
            // A reader of the file publishes nothing: it answers through its actor.
            let reader = try LocalStore.open(path: server.configuration.databasePath)
            #expect(reader.core.publishedResources == nil)
            let fromActor = try await reader.actualResources(ActualResourcesRequest(namespace: "shop", pod: "web-1"))
            await reader.close()
            #expect(overTCP == fromActor)
            #expect(overTCP.containers.map(\.pod) == ["web-1"])
            await client.close()
        }
    }
}
