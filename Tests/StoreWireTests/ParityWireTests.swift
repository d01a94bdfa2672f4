import LogCodec
import StoreAPI
import StoreWire
import Testing
import VPAModel

/// The new fields and messages survive the wire and the log: VPA policy fields, LimitRanges,
/// upstream checkpoints, the `vpaObservedContainers` annotation.
struct ParityWireTests {
    static let vpa = VPAObservation(
        namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web", updateMode: .inPlaceOrRecreate,
        containerPolicies: [
            ContainerResourcePolicy(containerName: "app", controlledResources: [.memory], controlledValues: .requestsOnly,
                                    oomBumpUpRatio: 1.5, oomMinBumpUpBytes: 200 << 20, memoryAggregationIntervalSeconds: 3600,
                                    memoryAggregationIntervalCount: 12),
            ContainerResourcePolicy(containerName: "sidecar", controlledResources: []),
        ],
        recommenders: ["custom"], evictAfterOOMSeconds: 300,
        evictionRequirements: [EvictionRequirement(resources: [.cpu, .memory], change: .targetLowerThanRequests)])
    static let range = LimitRangeObservation(namespace: "shop", name: "limits", items: [
        .init(type: .container, min: ResourceList(memoryBytes: 64 << 20), max: ResourceList(cpuMillicores: 2000),
              defaultLimit: ResourceList(cpuMillicores: 500, memoryBytes: 512 << 20)),
        .init(type: .pod, max: ResourceList(memoryBytes: 8 << 30)),
    ])

    static func roundTrip(_ body: EventBody) throws -> EventBody {
        let bytes = EventCodec.encode(body)
        return try bytes.withUnsafeBytes { (raw) throws(WireError) in try EventCodec.decode(type: body.type, bytes: raw) }
    }

    @Test func eventBodiesRoundTrip() throws {
        var pod = PodObservation(uid: "u", namespace: "shop", name: "web-0")
        pod.vpaObservedContainers = ""
        for body: EventBody in [.vpaObserved(Self.vpa), .vpaObserved(VPAObservation(namespace: "a", name: "b", targetKind: "c", targetName: "d")),
                                .limitRangeObserved(Self.range), .limitRangeDeleted(namespace: "shop", name: "limits"), .podObserved(pod)] {
            #expect(try Self.roundTrip(body) == body)
        }
    }

    /// Values at the edge of what a file or a peer can send are bounded, not trapped on: a ratio
    /// read from a saturated quantity (`10P`), and a checkpoint's sample count near Int64.max,
    /// which the recommender would add 1 to.
    @Test func extremePolicyAndCheckpointValuesAreBounded() throws {
        var vpa = Self.vpa
        vpa.containerPolicies[0].oomBumpUpRatio = Double(Int64.max) / 1000
        guard case .vpaObserved(let decoded) = try Self.roundTrip(.vpaObserved(vpa)) else { Issue.record("not a VPA"); return }
        #expect(decoded.containerPolicies[0].oomBumpUpRatio == Double(Int64.max) / 1000)
        let huge = RecommenderCheckpoint(consumedPosition: 1, containers: [RecommenderCheckpoint.Container(
            name: "app", checkpoint: ContainerCheckpoint(cpuHistogram: HistogramCheckpoint(), memoryHistogram: HistogramCheckpoint(),
                                                         firstSampleStart: nil, lastSampleStart: nil, totalSamplesCount: Int.max))])
        guard case .recommenderCheckpoint(let restored) = try Self.roundTrip(.recommenderCheckpoint(huge)) else {
            Issue.record("not a checkpoint"); return
        }
        #expect(restored.containers.first?.checkpoint.totalSamplesCount == Int(Int32.max))
    }

    @Test func ingestItemsRoundTrip() throws {
        let checkpoint = UpstreamCheckpointObservation(namespace: "shop", vpaName: "web", containerName: "app", checkpoint: ContainerCheckpoint(
            cpuHistogram: HistogramCheckpoint(referenceTimestamp: Timestamp(unixMilliseconds: 1_000), bucketWeights: [3: 10_000], totalWeight: 2.5),
            memoryHistogram: HistogramCheckpoint(), firstSampleStart: Timestamp(unixMilliseconds: 0),
            lastSampleStart: Timestamp(unixMilliseconds: 60_000), totalSamplesCount: 2))
        let request = IngestRequest(observations: [.vpa(Self.vpa), .limitRange(Self.range), .limitRangeDeleted(Self.range),
                                                   .upstreamCheckpoint(checkpoint)])
        #expect(try IngestRequest(decoding: request.encoded()) == request)
        let response = VPAListResponse(position: 7, limitRanges: [Self.range], vpas: [VPARecord(vpa: Self.vpa, recommendation: nil)])
        #expect(try VPAListResponse(decoding: response.encoded()) == response)
    }
}
