import CStoreProto
import Foundation
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Issue 16: every integer field of every request message, set to `Int64.min`, `-1`, `0` and
/// `Int64.max` inside a real request, gets an answer, and the server stays up — also afterwards, on
/// its own clock, and after a restart over what it accepted.
@Suite struct ExtremeIntegerTests {
    static let extremes: [(Int64, Double)] = [(.min, -.infinity), (-1, -1), (0, .nan), (.max, .greatestFiniteMagnitude)]

    /// A pod resizing (Deferred), OOM-killed before, with every optional time set.
    static let resizingPod: PodObservation = {
        var pod = Pods.pod("web-0", conditions: [PodCondition(type: PodCondition.resizePending, reason: "Deferred", message: "no room",
                                                              lastTransitionTime: minute(1), observedGeneration: 2)])
        pod.generation = 2
        pod.observedGeneration = 2
        pod.startTime = minute(0)
        pod.containers[0].status?.restartCount = 1
        pod.containers[0].status?.lastState = .terminated(reason: "OOMKilled", exitCode: 137, startedAt: minute(0), finishedAt: minute(1))
        pod.containers[0].status?.allocatedResources = ResourceList(cpuMillicores: 250, memoryBytes: 256 << 20)
        return pod
    }()

    static let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                    updateMode: .inPlaceOrRecreate)

    static var ingest: IngestRequest {
        var inProgress = Pods.pod("web-1", conditions: [PodCondition(type: PodCondition.resizeInProgress, lastTransitionTime: minute(1))])
        inProgress.containers[0].status?.state = .terminated(reason: "OOMKilled", exitCode: 137, startedAt: minute(0), finishedAt: minute(2))
        let eviction = EvictionObservation(eventKey: "shop/web-0.1", podNamespace: "shop", podName: "web-0", podUID: "uid-shop-web-0",
                                           at: minute(3), offenders: [.init(container: "app", usageBytes: 300 << 20)])
        let usage = UsageObservation(namespace: "shop", pod: "web-0", sample: UsageSample(
            at: minute(2), windowMilliseconds: 30_000, containers: [.init(name: "app", cpuMillicores: 120, memoryBytes: 100 << 20)]))
        return IngestRequest(observedAt: minute(2), observations: [
            .vpa(vpa), .pod(resizingPod), .pod(inProgress), .eviction(eviction), .usage(usage),
        ])
    }

    static var append: AppendRequest {
        let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: 300, memoryBytes: 300 << 20),
                                             limits: ResourceList(cpuMillicores: 600, memoryBytes: 600 << 20))
        let recommendation = PublishedRecommendation(containers: [ContainerRecommendation(
            container: "app", target: ResourceList(cpuMillicores: 150, memoryBytes: 300 << 20),
            lowerBound: ResourceList(cpuMillicores: 100, memoryBytes: 250 << 20),
            upperBound: ResourceList(cpuMillicores: 400, memoryBytes: 600 << 20),
            uncappedTarget: ResourceList(cpuMillicores: 150, memoryBytes: 300 << 20))])
        let histogram = HistogramCheckpoint(referenceTimestamp: minute(0), bucketWeights: [3: 10_000, 7: 12], totalWeight: 4.5)
        let checkpoint = RecommenderCheckpoint(consumedPosition: 1, containers: [.init(name: "app", checkpoint: ContainerCheckpoint(
            cpuHistogram: histogram, memoryHistogram: histogram, firstSampleStart: minute(0),
            lastSampleStart: minute(5), totalSamplesCount: 6))])
        return AppendRequest(events: [
            AppendEvent(podKey: "uid-shop-web-0", occurredAt: minute(3), body: .resizeRequested(ResizeRequest(
                targets: [.init(container: "app", resources: resources)], requestedBy: "vpa-updater", reason: "r"))),
            AppendEvent(vpaKey: "shop/web", occurredAt: minute(3), body: .recommendationPublished(recommendation)),
            AppendEvent(podKey: "shop/web-0", occurredAt: minute(3), body: .updaterDecision(UpdaterDecisionRecord(
                action: .wait, reason: "in range", vpa: "shop/web", updateMode: .inPlaceOrRecreate))),
            AppendEvent(vpaKey: "shop/web", occurredAt: minute(3), body: .recommenderCheckpoint(checkpoint)),
        ])
    }

    /// Each method with a baseline request that reaches deep into the server, and its message type.
    static var requests: [(StoreMethod, [UInt8], UnsafePointer<ProtobufCMessageDescriptor>)] {
        let timeouts = ResizeTimeouts(deferred: .milliseconds(1), inProgress: .milliseconds(1))
        let pod = PodKey(namespace: "shop", name: "web-0")
        let selector = EventSelector(pod: pod, type: .podObserved, since: minute(0), until: minute(9))
        return [
            (.ingest, ingest.encoded(), withUnsafePointer(to: vpa__store__v1__ingest_request__descriptor) { $0 }),
            (.append, append.encoded(), withUnsafePointer(to: vpa__store__v1__append_request__descriptor) { $0 }),
            (.getServerInfo, ServerInfoRequest().encoded(), withUnsafePointer(to: vpa__store__v1__get_server_info_request__descriptor) { $0 }),
            (.checkHealth, HealthRequest().encoded(), withUnsafePointer(to: vpa__store__v1__check_health_request__descriptor) { $0 }),
            (.getActualResources, ActualResourcesRequest(namespace: "shop", pod: "web-0", at: .time(minute(2)), limit: 10).encoded(),
             withUnsafePointer(to: vpa__store__v1__get_actual_resources_request__descriptor) { $0 }),
            (.getResizeState, ResizeStateRequest(pod: pod, now: minute(4), timeouts: timeouts).encoded(),
             withUnsafePointer(to: vpa__store__v1__get_resize_state_request__descriptor) { $0 }),
            (.listResizes, ResizesRequest(namespace: "shop", now: minute(4), timeouts: timeouts).encoded(),
             withUnsafePointer(to: vpa__store__v1__list_resizes_request__descriptor) { $0 }),
            (.listOOMKills, OOMKillsRequest(namespace: "shop", since: minute(0), until: minute(9)).encoded(),
             withUnsafePointer(to: vpa__store__v1__list_oom_kills_request__descriptor) { $0 }),
            (.readEvents, ReadEventsRequest(fromPosition: 1, limit: 5, selector: selector).encoded(),
             withUnsafePointer(to: vpa__store__v1__read_events_request__descriptor) { $0 }),
            (.watch, WatchRequest(fromPosition: 1, selector: selector).encoded(),
             withUnsafePointer(to: vpa__store__v1__watch_request__descriptor) { $0 }),
            (.listVPAs, VPAListRequest(namespace: "shop").encoded(), withUnsafePointer(to: vpa__store__v1__list_vpas_request__descriptor) { $0 }),
            (.listPods, PodListRequest(namespace: "shop", now: minute(4), timeouts: timeouts, limit: 5).encoded(),
             withUnsafePointer(to: vpa__store__v1__list_pods_request__descriptor) { $0 }),
        ]
    }

    /// Calls `method` with `payload`; any status is an answer. Only a lost connection is not.
    static func call(_ rpc: RPCClient, _ method: StoreMethod, _ payload: [UInt8]) async -> RPCStatus {
        if method.isStreaming {
            do {
                for try await _ in rpc.serverStream(method.rawValue, payload, timeout: .milliseconds(300)) {}
                return RPCStatus.ok
            } catch let status as RPCStatus {
                return status
            } catch {
                return RPCStatus(.unknown, "\(error)")
            }
        }
        do {
            _ = try await rpc.unary(method.rawValue, payload, timeout: .seconds(10))
            return .ok
        } catch {
            return error
        }
    }

    /// Every read on the server's own clock, after the store accepted whatever it accepted.
    static func readEverything(_ client: StoreClient) async throws {
        _ = try await client.resizes()
        _ = try await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "web-0")))
        _ = try await client.allPods()
        _ = try await client.allActualResources()
        _ = try await client.oomKills()
        _ = try await client.vpas()
        _ = try await client.readEvents(ReadEventsRequest(fromPosition: 1, limit: 10_000))
        #expect(try await client.health().serving)
    }

    @Test func everyIntegerFieldAtItsExtremesIsAnsweredAndTheServerStaysUp() async throws {
        let server = try await TestServer.start()
        let rpc = server.rpcClient()
        var cases = 0
        var codes: [RPCStatus.Code: Int] = [:]
        for (method, baseline, descriptor) in Self.requests {
            let tree = ProtoTree(parsing: baseline[...], descriptor: descriptor)
            #expect(tree.encoded == baseline, "the test's protobuf tree re-encodes \(method.shortName) exactly")
            for slot in tree.slots {
                for (value, double) in Self.extremes {
                    let status = await Self.call(rpc, method, tree.setting(slot, to: value, double: double).encoded)
                    #expect(status.code != .unavailable && status.code != .internal && status.code != .unknown,
                            "\(method.shortName) with \(slot) = \(value): \(status)")
                    codes[status.code, default: 0] += 1
                    cases += 1
                }
            }
            let health = await Self.call(rpc, .checkHealth, HealthRequest().encoded())
            #expect(health.code == .ok, "the server answers health after \(method.shortName)'s cases")
        }
        #expect(cases > 400)
        #expect(codes[.ok, default: 0] > 0 && codes[.invalidArgument, default: 0] > 0)
        await rpc.close()

        let client = server.client()
        try await Self.readEverything(client)
        await client.close()
        try await server.stop()

        // What the store accepted is served after a restart too, and the file verifies.
        let restarted = try await TestServer.start(directory: server.directory)
        let again = restarted.client()
        try await Self.readEverything(again)
        await again.close()
        try await restarted.stop()
        restarted.removeFiles()
    }
}
