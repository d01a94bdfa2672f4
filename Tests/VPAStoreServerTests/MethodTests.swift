import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Every method of the Store service over a real loopback socket.
@Suite struct MethodTests {
    @Test func serverInfoAndHealthDescribeTheServer() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            let info = try await client.serverInfo()
            #expect(info.serverVersion == VPAStoreVersion.current)
            #expect(info.protocolVersion == 1)
            #expect(!info.storeID.isEmpty)
            #expect(info.headPosition == 0)
            #expect(info.firstPosition == 1)
            #expect(info.inPlaceMode == .auto)
            #expect(info.openConnections == 1)
            #expect(info.settings.maxFrameBytes == 4 << 20)
            #expect(info.settings.timeouts == ResizeTimeouts())
            #expect(info.settings.database == server.configuration.databasePath)
            let health = try await client.health()
            #expect(health.serving && health.headPosition == 0)
            #expect(try await client.rpc.welcome().storeID == info.storeID)
            await client.close()
        }
    }

    @Test func ingestDerivesLikeTheCLIAndActualResourcesAnswer() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            let answer = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
                .pod(Pods.pod("web-0")), .pod(Pods.pod("web-1", status: false)), .pod(Pods.pod("db-0", owner: "db")),
            ]))
            // 3 observations + InPlaceModeChanged when `auto` saw status resources.
            #expect(answer.summary.podsObserved == 3)
            #expect(answer.summary.eventsAppended == 4)
            #expect(answer.summary.inPlaceModeChanges == 1)
            #expect(answer.headPosition == 4)

            let all = try await client.actualResources()
            #expect(all.position == 4)
            #expect(all.containers.map(\.pod) == ["db-0", "web-0", "web-1"])
            #expect(all.containers.map(\.source) == [.status, .status, .specFallback])

            let one = try await client.actualResources(ActualResourcesRequest(namespace: "shop", pod: "web-0", container: "app"))
            #expect(one.containers.count == 1)
            #expect(one.containers[0].actual.requests.cpuMillicores == 250)

            let owned = try await client.actualResources(ActualResourcesRequest(owner: (kind: "ReplicaSet", name: "db")))
            #expect(owned.containers.map(\.pod) == ["db-0"])
            let noContainer = try await client.actualResources(ActualResourcesRequest(container: "sidecar"))
            #expect(noContainer.containers.isEmpty)
            await client.close()
        }
    }

    @Test func actualResourcesAtATimeAndAtAPosition() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0", cpu: 250))]))
            let before = try await client.serverInfo().headPosition
            _ = try await client.ingest(IngestRequest(observedAt: minute(10), observations: [.pod(Pods.pod("web-0", cpu: 500))]))
            #expect(try await client.actualResources().containers[0].actual.requests.cpuMillicores == 500)
            let atTime = try await client.actualResources(ActualResourcesRequest(at: .time(minute(5))))
            #expect(atTime.containers.map(\.actual.requests.cpuMillicores) == [250])
            let atPosition = try await client.actualResources(ActualResourcesRequest(at: .position(before)))
            #expect(atPosition.position == before)
            #expect(atPosition.containers.map(\.actual.requests.cpuMillicores) == [250])
            await #expect(throws: RPCStatus.self) {
                try await client.actualResources(ActualResourcesRequest(at: .position(1_000)))
            }
            await client.close()
        }
    }

    @Test func resizeStateOfOnePodAndTheListWithTimeoutVerdicts() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
                .pod(Pods.pod("web-0")), .pod(Pods.pod("web-1")),
            ]))
            // web-0 asks for more CPU and the kubelet defers it.
            _ = try await client.ingest(IngestRequest(observedAt: minute(1), observations: [
                .pod(Pods.pod("web-0", cpu: 900, status: true, conditions: Pods.deferred)),
            ]))
            let early = try await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "web-0"), now: minute(4)))
            #expect(early.resize.state == .pendingDeferred)
            #expect(early.resize.elapsedSeconds == 180)
            #expect(!early.resize.timedOut)
            let late = try await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "web-0"), now: minute(7)))
            #expect(late.resize.timedOut)
            let custom = try await client.resizeState(ResizeStateRequest(
                pod: PodKey(namespace: "shop", name: "web-0"), now: minute(4),
                timeouts: ResizeTimeouts(deferred: .milliseconds(60_000), inProgress: .milliseconds(0))))
            #expect(custom.resize.timedOut)
            let idle = try await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "web-1"), now: minute(4)))
            #expect(idle.resize.state == ResizeState.none)

            let list = try await client.resizes(ResizesRequest(now: minute(7)))
            #expect(list.resizes.map(\.pod) == ["web-0"])
            #expect(list.resizes[0].timedOut)
            #expect(try await client.resizes(ResizesRequest(state: .inProgress, now: minute(7))).resizes.isEmpty)

            await #expect(throws: RPCStatus(.notFound, "no live pod shop/nope in the store")) {
                try await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "nope")))
            }
            await client.close()
        }
    }

    @Test func oomKillsByPodAndTimeRange() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            func pod(restarts: Int32, last: ContainerState?) -> PodObservation {
                var pod = Pods.pod("web-0")
                pod.containers[0].status?.restartCount = restarts
                pod.containers[0].status?.lastState = last
                return pod
            }
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(pod(restarts: 0, last: nil))]))
            let killed = ContainerState.terminated(reason: "OOMKilled", exitCode: 137, startedAt: nil, finishedAt: minute(2))
            _ = try await client.ingest(IngestRequest(observedAt: minute(3), observations: [.pod(pod(restarts: 1, last: killed))]))
            let kills = try await client.oomKills(OOMKillsRequest(namespace: "shop", pod: "web-0", container: "app"))
            #expect(kills.kills.count == 1)
            #expect(kills.kills[0].kill.memoryRequestBytes == 256 << 20)
            #expect(kills.kills[0].kill.source == .status)
            #expect(try await client.oomKills(OOMKillsRequest(since: minute(10))).kills.isEmpty)
            #expect(try await client.oomKills(OOMKillsRequest(until: minute(1))).kills.isEmpty)
            await client.close()
        }
    }

    @Test func readEventsInPagesWithFilters() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            for index in 0..<25 {
                _ = try await client.ingest(IngestRequest(observedAt: minute(Int64(index)),
                                                          observations: [.pod(Pods.pod("web-\(index % 5)", cpu: Int64(100 + index)))]))
            }
            let head = try await client.serverInfo().headPosition
            var all: [EventRecord] = []
            var next: Int64 = 1
            while next <= head {
                let page = try await client.readEvents(ReadEventsRequest(fromPosition: next, limit: 7))
                #expect(page.events.count <= 7)
                all += page.events
                next = page.nextPosition
            }
            #expect(all.map(\.event.position) == Array(1...head))
            let onePod = try await client.readEvents(ReadEventsRequest(selector: EventSelector(
                pod: PodKey(namespace: "shop", name: "web-3"), type: .podObserved)))
            #expect(onePod.events.count == 5)
            #expect(onePod.events.allSatisfy { $0.stream?.name == "web-3" })
            let late = try await client.readEvents(ReadEventsRequest(selector: EventSelector(since: minute(20))))
            #expect(late.events.allSatisfy { $0.event.occurredAt >= minute(20) })
            #expect(late.events == all.filter { $0.event.occurredAt >= minute(20) })
            #expect(late.events.count >= 5)
            await client.close()
        }
    }

    @Test func appendRecordsAResizeRequestAndChecksTheExpectedHead() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            let head = try await client.serverInfo().headPosition
            let request = ResizeRequest(targets: [.init(container: "app", resources: ResourceRequirements(
                requests: ResourceList(cpuMillicores: 400)))], requestedBy: "vpa-updater", reason: "target above request")
            let appended = try await client.append(AppendRequest(expectedHead: head, events: [
                AppendEvent(podKey: "shop/web-0", occurredAt: minute(1), body: .resizeRequested(request)),
            ]))
            #expect(appended.firstPosition == head + 1 && appended.lastPosition == head + 1)
            let stored = try await client.readEvents(ReadEventsRequest(fromPosition: head + 1))
            #expect(stored.events.map(\.event.body) == [.resizeRequested(request)])

            do throws(RPCStatus) {
                _ = try await client.append(AppendRequest(expectedHead: head, events: [
                    AppendEvent(podKey: "shop/web-0", body: .resizeRequested(request)),
                ]))
                Issue.record("an append with a stale expected head succeeded")
            } catch {
                #expect(error.code == .failedPrecondition)
            }
            do throws(RPCStatus) {
                _ = try await client.append(AppendRequest(events: [AppendEvent(podKey: "shop/ghost", body: .resizeRequested(request))]))
                Issue.record("an append to an unknown pod succeeded")
            } catch {
                #expect(error.code == .notFound)
            }
            #expect(try await client.serverInfo().headPosition == head + 1)
            await client.close()
        }
    }

    @Test func aRetriedAppendWithTheSameKeyAppendsOnce() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            let append = AppendRequest(idempotencyKey: "updater-run-7/web-0", events: [
                AppendEvent(podKey: "uid-shop-web-0", body: .resizeRequested(ResizeRequest(targets: [], requestedBy: "vpa-updater"))),
            ])
            let first = try await client.append(append)
            let retry = try await client.append(append)
            #expect(!first.replayed && retry.replayed)
            #expect(retry.firstPosition == first.firstPosition && retry.lastPosition == first.lastPosition)
            #expect(try await client.serverInfo().headPosition == first.lastPosition)

            let ingest = IngestRequest(idempotencyKey: "informer-batch-1", observedAt: minute(5),
                                       observations: [.pod(Pods.pod("web-1"))])
            let once = try await client.ingest(ingest)
            let again = try await client.ingest(ingest)
            #expect(again.replayed && again.summary == once.summary)
            #expect(try await client.serverInfo().headPosition == once.headPosition)
            // The same key for another method is a mistake, not a retry.
            do throws(RPCStatus) {
                _ = try await client.ingest(IngestRequest(idempotencyKey: "updater-run-7/web-0", observations: []))
                Issue.record("a key reused across methods was accepted")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            await client.close()
        }
    }
}
