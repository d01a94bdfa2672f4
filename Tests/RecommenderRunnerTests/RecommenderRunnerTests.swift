import Logging
import Recommender
import RecommenderRunner
import SimulatedClusterSupport
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// The recommender loop over a real server: usage in, recommendations and checkpoints out.
@Suite struct RecommenderRunnerTests {
    static let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                    updateMode: .inPlaceOrRecreate)

    /// A running pod of the `web` Deployment (ReplicaSet `web-5d8f`) with one container `app`.
    static func pod(_ name: String, owner: String = "web-5d8f", desiredMemory: Int64 = 512 * mebibyte,
                    actualMemory: Int64? = nil, state: ContainerState = .running(startedAt: minute(0)),
                    restartCount: Int32 = 0) -> PodObservation {
        let desired = ResourceRequirements(requests: ResourceList(cpuMillicores: 250, memoryBytes: desiredMemory),
                                           limits: ResourceList(memoryBytes: 2 * desiredMemory))
        var actual = desired
        if let actualMemory {
            actual.requests.memoryBytes = actualMemory
            actual.limits.memoryBytes = 2 * actualMemory
        }
        return PodObservation(
            uid: "uid-\(name)", namespace: "shop", name: name, phase: "Running", startTime: minute(0), nodeName: "node-1",
            owners: [OwnerReference(kind: "ReplicaSet", name: owner, uid: "rs-\(owner)", controller: true)],
            containers: [ContainerObservation(name: "app", desired: desired, status: ContainerStatusObservation(
                resources: actual, restartCount: restartCount, state: state))])
    }

    /// Ingests one usage sample per pod per minute of `minutes`, constant usage, in batches.
    static func ingestUsage(_ client: any StoreAPI, pods: [String], minutes: Range<Int64>, millicores: Int64,
                            bytes: Int64) async throws {
        var start = minutes.lowerBound
        while start < minutes.upperBound {
            let end = min(start + 360, minutes.upperBound)
            let observations: [Observation] = (start..<end).flatMap { time in
                pods.map { pod in
                    .usage(UsageObservation(namespace: "shop", pod: pod, sample: UsageSample(
                        at: minute(time), windowMilliseconds: 60_000,
                        containers: [.init(name: "app", cpuMillicores: millicores, memoryBytes: bytes)])))
                }
            }
            let response = try await client.ingest(IngestRequest(observedAt: minute(end - 1), observations: observations))
            #expect(response.summary.usageSamples == observations.count)
            start = end
        }
    }

    /// The VPA, two pods and a day of samples a minute at 500 millicores and 600 MiB.
    static func ingestSteadyDay(_ client: any StoreAPI) async throws {
        _ = try await client.ingest(IngestRequest(observedAt: minute(0), inPlaceMode: .enabled, observations: [
            .vpa(vpa), .pod(pod("web-5d8f-a")), .pod(pod("web-5d8f-b")),
        ]))
        try await ingestUsage(client, pods: ["web-5d8f-a", "web-5d8f-b"], minutes: 0..<1440, millicores: 500,
                              bytes: 600 * mebibyte)
    }

    /// A runner that checkpoints every loop.
    static func runner(_ client: any StoreAPI, clock: RecommenderRunnerConfiguration.Clock = .wall) -> RecommenderRunner {
        RecommenderRunner(store: client, configuration: RecommenderRunnerConfiguration(clock: clock, checkpointEveryLoops: 1),
                          logger: TestServer.quietLogger)
    }

    /// A steady day converges to the usage plus the 15% margin, as the Recommender's own tests
    /// establish: the target is the end of the histogram bucket holding the usage, plus 15%, so it is
    /// at least 1.15× the usage and at most 1.15× the bucket's relative width above it. With
    /// `--now-from-log`, the loop's time is the last sample's.
    @Test func steadyDayPublishesUsagePlusMargin() async throws {
        try await withStore(.inProcess) { client in
            try await Self.ingestSteadyDay(client)
            let runner = Self.runner(client, clock: .log)
            let summary = try await runner.runOnce()
            #expect(summary.now == minute(1439))
            #expect(summary.vpas == 1)
            #expect(summary.samples == 2880)
            #expect(summary.recommendationsPublished == 1)
            #expect(summary.checkpointsWritten == 1)
            #expect(summary.description == "loop 1: 1 VPA, 2880 samples, 0 OOMs, 1 recommendation published")

            let record = try #require(try await client.vpas().vpas.first)
            let recommendation = try #require(record.recommendation?.containers.first)
            #expect(record.recommendation?.containers.count == 1)
            #expect(record.recommendation?.recommender == "vpa-recommender")
            #expect(recommendation.container == "app")

            let cpuBucket = HistogramOptions.cpu.findBucket(0.5)
            let cpuWidth = HistogramOptions.cpu.bucketStart(cpuBucket + 1) / HistogramOptions.cpu.bucketStart(cpuBucket)
            let memoryBucket = HistogramOptions.memory.findBucket(Double(600 * mebibyte))
            let memoryWidth = HistogramOptions.memory.bucketStart(memoryBucket + 1)
                / HistogramOptions.memory.bucketStart(memoryBucket)
            let cpuRatio = Double(try #require(recommendation.target.cpuMillicores)) / 500
            let memoryRatio = Double(try #require(recommendation.target.memoryBytes)) / Double(600 * mebibyte)
            #expect(cpuRatio >= 1.15 && cpuRatio <= 1.15 * cpuWidth)
            #expect(memoryRatio >= 1.15 && memoryRatio <= 1.15 * memoryWidth)
            #expect(cpuRatio < 1.25 && memoryRatio < 1.25)

            // The checkpoint covers what was read.
            let checkpoint = try #require(record.checkpoint)
            #expect(checkpoint.consumedPosition == summary.consumedPosition)
            #expect(checkpoint.containers.map(\.name) == ["app"])
            #expect(checkpoint.containers.first?.checkpoint.totalSamplesCount == 2880)

            // Nothing new: nothing read twice, nothing published again.
            let again = try await runner.runOnce()
            #expect(again.samples == 0)
            #expect(again.recommendationsPublished == 0)
            let published = try await client.readEvents(ReadEventsRequest(selector: EventSelector(type: .recommendationPublished)))
            #expect(published.events.count == 1)
        }
    }

    /// A new runner (a restarted recommender) restores the histories from the checkpoint, reads only
    /// what came after it, and its histograms continue: samples before + new samples = after.
    @Test func restartContinuesFromCheckpoint() async throws {
        try await withStore(.inProcess) { client in
            try await Self.ingestSteadyDay(client)
            let first = try await Self.runner(client).runOnce(now: minute(1440))
            #expect(first.samples == 2880)
            let before = try #require(try await client.vpas().vpas.first?.recommendation)

            let restarted = Self.runner(client)
            let idle = try await restarted.runOnce(now: minute(1440))
            #expect(idle.samples == 0)
            #expect(idle.eventsRead < 10)
            #expect(idle.recommendationsPublished == 0)
            #expect(await restarted.aggregateStates(ofVPA: "shop/web")["app"]?.totalCPUSamples == 2880)
            #expect(try await client.vpas().vpas.first?.recommendation == before)

            try await Self.ingestUsage(client, pods: ["web-5d8f-a", "web-5d8f-b"], minutes: 1440..<1450, millicores: 500,
                                       bytes: 600 * mebibyte)
            let later = try await restarted.runOnce(now: minute(1450))
            #expect(later.samples == 20)
            #expect(await restarted.aggregateStates(ofVPA: "shop/web")["app"]?.totalCPUSamples == 2900)
            let after = try #require(try await client.vpas().vpas.first?.recommendation)
            #expect(after.containers.map(\.target) == before.containers.map(\.target))
            #expect(try await client.vpas().vpas.first?.checkpoint?.containers.first?.checkpoint.totalSamplesCount == 2900)
        }
    }

    /// A restarted runner attributes the samples of a pod it never saw observed (observed before the
    /// checkpoint, deleted since) by looking the pod's observation up in the log.
    @Test func restartAttributesSamplesOfAPodDeletedSince() async throws {
        try await withStore(.inProcess) { client in
            try await Self.ingestSteadyDay(client)
            _ = try await Self.runner(client).runOnce(now: minute(1440))
            try await Self.ingestUsage(client, pods: ["web-5d8f-a", "web-5d8f-b"], minutes: 1440..<1445, millicores: 500,
                                       bytes: 600 * mebibyte)
            _ = try await client.ingest(IngestRequest(observedAt: minute(1445), observations: [.podDeleted(Self.pod("web-5d8f-b"))]))
            #expect(try await client.allPods().map(\.pod.name) == ["web-5d8f-a"])

            let restarted = Self.runner(client)
            let summary = try await restarted.runOnce(now: minute(1446))
            #expect(summary.samples == 10)
            #expect(await restarted.aggregateStates(ofVPA: "shop/web")["app"]?.totalCPUSamples == 2890)
        }
    }

    /// An OOM kill counts at the memory the container actually had (status 256 Mi), not the spec's
    /// 128 Mi: memory needed = max(256 Mi + 100 Mi, 256 Mi × 1.2) = 356 Mi, plus the 15% margin.
    @Test func oomKillRaisesMemoryFromActualRequest() async throws {
        try await withStore(.inProcess) { client in
            let running = Self.pod("web-5d8f-a", desiredMemory: 128 * mebibyte, actualMemory: 256 * mebibyte)
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), inPlaceMode: .enabled,
                                                      observations: [.vpa(Self.vpa), .pod(running)]))
            try await Self.ingestUsage(client, pods: ["web-5d8f-a"], minutes: 0..<30, millicores: 100, bytes: 200 * mebibyte)
            let killed = Self.pod("web-5d8f-a", desiredMemory: 128 * mebibyte, actualMemory: 256 * mebibyte, state: .terminated(
                reason: "OOMKilled", exitCode: 137, startedAt: minute(0), finishedAt: minute(30)), restartCount: 1)
            let ingested = try await client.ingest(IngestRequest(observedAt: minute(30), observations: [.pod(killed)]))
            #expect(ingested.summary.oomKills == 1)
            let kill = try #require(try await client.oomKills().kills.first?.kill)
            #expect(kill.memoryRequestBytes == 256 * mebibyte)
            #expect(kill.source == .status)

            let summary = try await Self.runner(client).runOnce(now: minute(31))
            #expect(summary.ooms == 1)
            #expect(summary.samples == 30)
            let target = try #require(try await client.vpas().vpas.first?.recommendation?.containers.first?.target.memoryBytes)
            let needed = max(256 * mebibyte + 100 * mebibyte, Int64(Double(256 * mebibyte) * 1.2))
            #expect(Double(target) >= Double(needed) * 1.15)
        }
    }

    /// A VPA created after the runner started has no checkpoint: the next loop reads the log from
    /// the start for it, and the VPA already followed is not fed twice.
    @Test func newVPAIsFedFromTheWholeLog() async throws {
        try await withStore(.inProcess) { client in
            try await Self.ingestSteadyDay(client)
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
                .pod(Self.pod("api-7c4b-a", owner: "api-7c4b")),
            ]))
            try await Self.ingestUsage(client, pods: ["api-7c4b-a"], minutes: 0..<60, millicores: 200, bytes: 300 * mebibyte)
            let runner = RecommenderRunner(store: client, logger: TestServer.quietLogger)
            let first = try await runner.runOnce(now: minute(1440))
            #expect(first.vpas == 1)
            #expect(first.samples == 2880)

            let api = VPAObservation(namespace: "shop", name: "api", targetKind: "Deployment", targetName: "api")
            _ = try await client.ingest(IngestRequest(observedAt: minute(1440), observations: [.vpa(api)]))
            let second = try await runner.runOnce(now: minute(1441))
            #expect(second.vpas == 2)
            #expect(second.samples == 60)
            #expect(await runner.aggregateStates(ofVPA: "shop/api")["app"]?.totalCPUSamples == 60)
            #expect(await runner.aggregateStates(ofVPA: "shop/web")["app"]?.totalCPUSamples == 2880)
            // Loop 2 is not a checkpoint loop (every 10), but the new VPA gets its first checkpoint.
            #expect(second.checkpointsWritten == 1)
            let records = try await client.vpas().vpas
            #expect(records.map(\.vpa.name) == ["api", "web"])
            #expect(records.map { $0.recommendation != nil } == [true, true])
            #expect(records.map { $0.checkpoint?.consumedPosition } == [second.consumedPosition, first.consumedPosition])
        }
    }

    /// The checkpoint interval: the first loop and then every N loops.
    @Test func checkpointsEveryNLoops() async throws {
        try await withStore(.inProcess) { client in
            try await Self.ingestSteadyDay(client)
            let runner = RecommenderRunner(store: client, configuration: RecommenderRunnerConfiguration(checkpointEveryLoops: 3),
                                           logger: TestServer.quietLogger)
            var written: [Int] = []
            for loop in Int64(0)..<4 {
                written.append(try await runner.runOnce(now: minute(1440 + loop)).checkpointsWritten)
            }
            #expect(written == [1, 0, 0, 1])
        }
    }

    @Test func summaryLine() {
        let summary = RecommenderLoopSummary(loop: 3, now: minute(0), vpas: 2, samples: 480, ooms: 1,
                                             recommendationsPublished: 2)
        #expect(summary.description == "loop 3: 2 VPAs, 480 samples, 1 OOM, 2 recommendations published")
    }

    @Test(arguments: [("1m", Duration.seconds(60)), ("24h", .seconds(86_400)), ("24h0m0s", .seconds(86_400)),
                      ("1h30m", .seconds(5400)), ("250ms", .milliseconds(250)), ("2d", .seconds(172_800))])
    func durations(text: String, expected: Duration) throws {
        #expect(try DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["", "5", "m", "5x", "1.5h", "99999999999999999999h"])
    func badDurations(text: String) {
        do {
            let duration = try DurationParser.parse(text)
            Issue.record("\"\(text)\" parsed as \(duration)")
        } catch {
            #expect(error.text == text)
        }
    }
}
