import LogCodec
import StoreAPI
import StoreWire
import Testing
import VPAModel

@Suite struct StoreMessagesTests {
    let pod = PodObservation(
        uid: "uid-1", namespace: "shop", name: "web-0", phase: "Running",
        owners: [OwnerReference(kind: "ReplicaSet", name: "web-5d8f", uid: "rs-1", controller: true)],
        containers: [ContainerObservation(
            name: "app", desired: ResourceRequirements(requests: ResourceList(cpuMillicores: 250, memoryBytes: 256 << 20)),
            status: ContainerStatusObservation(resources: ResourceRequirements(requests: ResourceList(cpuMillicores: 200)),
                                               restartCount: 1, state: .running(startedAt: Timestamp(unixMilliseconds: 5))))])

    @Test func ingestRequestRoundTrips() throws {
        let eviction = EvictionObservation(eventKey: "shop/web-0.1", podNamespace: "shop", podName: "web-0", podUID: "uid-1",
                                           at: Timestamp(unixMilliseconds: 9), offenders: [.init(container: "app", usageBytes: 1)])
        let vpa = VPAObservation(namespace: "shop", name: "web", uid: "v1", targetKind: "Deployment", targetName: "web",
                                 updateMode: .inPlace, minReplicas: 1, containerPolicies: [
                                    ContainerResourcePolicy(containerName: "*", minAllowed: ResourceList(memoryBytes: 1 << 20)),
                                    ContainerResourcePolicy(containerName: "sidecar", scalingOff: true)])
        let usage = UsageObservation(namespace: "shop", pod: "web-0", sample: UsageSample(
            at: Timestamp(unixMilliseconds: 60_000), windowMilliseconds: 30_000, containers: [.init(name: "app", cpuMillicores: 7, memoryBytes: 9)]))
        let request = IngestRequest(idempotencyKey: "k1", expectedHead: 0, observedAt: Timestamp(unixMilliseconds: 77),
                                    inPlaceMode: .enabled, observations: [.pod(pod), .podDeleted(pod), .eviction(eviction),
                                                                          .vpa(vpa), .vpaDeleted(vpa), .usage(usage)])
        #expect(try IngestRequest(decoding: request.encoded()) == request)
    }

    @Test func appendRequestRoundTrips() throws {
        let target = ResizeRequest.Target(container: "app", resources: ResourceRequirements(
            requests: ResourceList(cpuMillicores: 300, memoryBytes: 300 << 20)))
        let request = AppendRequest(idempotencyKey: "a", expectedHead: 5, events: [
            AppendEvent(podKey: "shop/web-0", occurredAt: Timestamp(unixMilliseconds: 3),
                        body: .resizeRequested(ResizeRequest(targets: [target], requestedBy: "vpa-updater", reason: "r"))),
        ])
        #expect(try AppendRequest(decoding: request.encoded()) == request)
        let outputs = AppendRequest(events: [
            AppendEvent(vpaKey: "shop/web", body: .recommendationPublished(PublishedRecommendation(containers: [
                ContainerRecommendation(container: "app", target: ResourceList(cpuMillicores: 1), lowerBound: ResourceList(),
                                        upperBound: ResourceList(memoryBytes: 5), uncappedTarget: ResourceList(cpuMillicores: 2))]))),
            AppendEvent(podKey: "uid-1", body: .updaterDecision(UpdaterDecisionRecord(
                action: .evict, reason: "Infeasible", vpa: "shop/web", updateMode: .recreate))),
        ])
        #expect(try AppendRequest(decoding: outputs.encoded()) == outputs)
        let noVPA = AppendRequest(events: [AppendEvent(podKey: "uid-1", body: .recommendationPublished(PublishedRecommendation(containers: [])))])
        #expect(throws: WireError.invalidValue(field: "AppendRequest.events[0].vpa_key", reason: "empty; give the VPA's namespace/name")) {
            try AppendRequest(decoding: noVPA.encoded())
        }
    }

    @Test func queriesRoundTrip() throws {
        let resources = ActualResourcesRequest(namespace: "shop", pod: "web-0", container: "app",
                                               owner: (kind: "ReplicaSet", name: "web-5d8f"), at: .position(12))
        #expect(try ActualResourcesRequest(decoding: resources.encoded()) == resources)
        let atTime = ActualResourcesRequest(at: .time(Timestamp(unixMilliseconds: 1_000)))
        #expect(try ActualResourcesRequest(decoding: atTime.encoded()) == atTime)
        let resizes = ResizesRequest(state: .pendingDeferred, namespace: "shop", now: Timestamp(unixMilliseconds: 1),
                                     timeouts: ResizeTimeouts(deferred: .milliseconds(1), inProgress: .milliseconds(2)))
        #expect(try ResizesRequest(decoding: resizes.encoded()) == resizes)
        let events = ReadEventsRequest(fromPosition: 3, limit: 10, selector: EventSelector(
            pod: PodKey(namespace: "shop", name: "web-0"), type: .oomKilled, since: Timestamp(unixMilliseconds: 1)))
        #expect(try ReadEventsRequest(decoding: events.encoded()) == events)
        for streams in [EventSelector(streamKind: .vpa, namespace: "shop", name: "web"), EventSelector(namespace: "shop"),
                        EventSelector(streamKind: .pod, name: "web-0"),
                        EventSelector(pod: PodKey(namespace: "shop", name: "web-0"), streamKind: .pod)] {
            let request = ReadEventsRequest(fromPosition: 1, limit: 5, selector: streams)
            #expect(try ReadEventsRequest(decoding: request.encoded()) == request)
        }
        let watch = WatchRequest(fromPosition: 4, selector: EventSelector(type: .podObserved), progressIntervalMilliseconds: 100)
        #expect(try WatchRequest(decoding: watch.encoded()) == watch)
    }

    /// The page cursors and limits of GetActualResources and ListPods (their paging behaviour is
    /// tested in process: ResourcesPagingTests, AutoscalingMethodTests).
    @Test func pagingFieldsRoundTrip() throws {
        let resources = ActualResourcesRequest(limit: 3, pageAfter: "shop/web-0/uid-1/0/app")
        #expect(try ActualResourcesRequest(decoding: resources.encoded()) == resources)
        let page = ActualResourcesResponse(position: 4, containers: [], nextPageAfter: "blog/web-1/uid-2/0/app")
        #expect(try ActualResourcesResponse(decoding: page.encoded()) == page)
        let pods = PodListRequest(namespace: "shop", now: Timestamp(unixMilliseconds: 2), pageAfter: "shop/web-1", limit: 2)
        #expect(try PodListRequest(decoding: pods.encoded()) == pods)
        let podPage = PodListResponse(position: 5, pods: [], nextPageAfter: "shop/web-1")
        #expect(try PodListResponse(decoding: podPage.encoded()) == podPage)
        let last = PodListResponse(position: 5, pods: [], nextPageAfter: nil)
        #expect(try PodListResponse(decoding: last.encoded()) == last)
    }

    @Test func answersRoundTrip() throws {
        let view = ContainerResourcesView(
            namespace: "shop", pod: "web-0", podUID: "uid-1", container: "app", containerType: .container,
            actual: ResourceRequirements(requests: ResourceList(cpuMillicores: 200)), desired: ResourceRequirements(),
            source: .specFallback, resizeState: .pendingDeferred, resizeSince: Timestamp(unixMilliseconds: 8), position: 9)
        let answer = ActualResourcesResponse(position: 9, containers: [view])
        #expect(try ActualResourcesResponse(decoding: answer.encoded()) == answer)
        let event = StoredEvent(position: 2, streamID: 5, streamPrevious: 1, occurredAt: Timestamp(unixMilliseconds: 1),
                                recordedAt: Timestamp(unixMilliseconds: 2), causedBy: 1, body: .podObserved(pod))
        let page = EventPage(events: [EventRecord(event: event, stream: StreamInfo(id: 5, kind: .pod, key: "uid-1",
                                                                                  namespace: "shop", name: "web-0"))],
                             nextPosition: 3, headPosition: 7)
        #expect(try EventPage(decoding: page.encoded()) == page)
        // A page assembled from events encoded one by one is the same bytes, for a full page, a
        // progress page (no events) and a page at position 0.
        let usage = EventRecord(event: StoredEvent(position: 3, streamID: 5, streamPrevious: nil, occurredAt: Timestamp(unixMilliseconds: 3),
                                                   recordedAt: Timestamp(unixMilliseconds: 300), causedBy: nil,
                                                   body: .usageSampled(UsageSample(at: Timestamp(unixMilliseconds: 3), windowMilliseconds: 60_000,
                                                                                   containers: [.init(name: "app", cpuMillicores: 5, memoryBytes: 7)]))),
                                stream: StreamInfo(id: 5, kind: .pod, key: "uid-1", namespace: "shop", name: "web-0"))
        for expected in [EventPage(events: page.events + [usage], nextPosition: 1 << 40, headPosition: 1 << 40),
                         EventPage(events: [], nextPosition: 8, headPosition: 7), EventPage(events: [usage], nextPosition: 0, headPosition: 0)] {
            let assembled = EventPage.encoded(events: expected.events.map(EventPage.encodedEvent),
                                              nextPosition: expected.nextPosition, headPosition: expected.headPosition)
            #expect(assembled == expected.encoded())
            #expect(try EventPage(decoding: assembled) == expected)
        }
    }

    @Test func invalidRequestsNameTheField() throws {
        #expect(throws: WireError.invalidValue(field: "ListResizesRequest.state",
                                               reason: "\"sleeping\" is not a resize state; use one of none, pending_deferred, pending_infeasible, in_progress, in_progress_error, completed")) {
            // ListResizesRequest{state: "sleeping"}
            try ResizesRequest(decoding: [0x0A, 0x08] + Array("sleeping".utf8))
        }
        #expect(throws: WireError.self) {
            try ReadEventsRequest(decoding: ReadEventsRequest(limit: 20_000).encoded())
        }
        let noKey = AppendRequest(events: [AppendEvent(podKey: "", body: .resizeRequested(ResizeRequest(targets: [], requestedBy: "x")))])
        #expect(throws: WireError.invalidValue(field: "AppendRequest.events[0].pod_key",
                                               reason: "empty; give the pod's UID or namespace/name")) {
            try AppendRequest(decoding: noKey.encoded())
        }
        let targetless = IngestRequest(observations: [.vpa(VPAObservation(namespace: "shop", name: "web", targetKind: "", targetName: ""))])
        #expect(throws: WireError.invalidValue(field: "IngestRequest.items[0].vpa.target_kind",
                                               reason: "target_kind and target_name must both be set")) {
            try IngestRequest(decoding: targetless.encoded())
        }
        let nameless = IngestRequest(observations: [.pod(PodObservation(uid: nil, namespace: "shop", name: ""))])
        #expect(throws: WireError.invalidValue(field: "IngestRequest.items[0].pod.name", reason: "empty")) {
            try IngestRequest(decoding: nameless.encoded())
        }
    }
}
