import ResourceReport
import VPAStoreTestSupport
import Testing
import VPAModel

/// The page drawn from a known history: lines, spans and marks where the scales put them.
struct ReportDrawingTests {
    typealias H = HistoryBuilder
    static let web1 = (namespace: "shop", name: "web-7d9c5-aaaaa", uid: "uid-web-1")
    static let web2 = (namespace: "shop", name: "web-7d9c5-bbbbb", uid: "uid-web-2")
    static let other = (namespace: "shop", name: "other-5f6d7-ccccc", uid: "uid-other")

    /// web-1: resized in place by the VPA (deferred 10 minutes, then in progress, done at 09:25),
    /// OOM-killed twice, evicted by the updater and deleted at 09:50; web-2 replaces it; `other`
    /// belongs to another Deployment. The VPA `web` publishes two recommendations.
    static func history() -> (builder: HistoryBuilder, kills: [Int64], eviction: Int64) {
        var h = HistoryBuilder()
        let vpa = h.stream(.vpa, key: "vpa:shop/web", namespace: "shop", name: "web")
        h.append(.vpaObserved(VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                             updateMode: .inPlaceOrRecreate)), at: H.at(0), stream: vpa)
        let before = H.resources(250, 256, limitCPU: 500, limitMi: 512)
        let after = H.resources(500, 384, limitCPU: 1000, limitMi: 768)
        h.append(.podObserved(H.pod("shop", web1.name, uid: web1.uid, desired: before, status: before)), at: H.at(0), pod: web1)
        h.append(.podObserved(H.pod("shop", other.name, uid: other.uid, owner: "other-5f6d7", desired: before, status: before)),
                 at: H.at(0), pod: other)
        h.append(.recommendationPublished(PublishedRecommendation(containers: [
            ContainerRecommendation(container: "app", target: ResourceList(cpuMillicores: 400, memoryBytes: 380 << 20),
                                    lowerBound: ResourceList(cpuMillicores: 300, memoryBytes: 300 << 20),
                                    upperBound: ResourceList(cpuMillicores: 800, memoryBytes: 600 << 20),
                                    uncappedTarget: ResourceList(cpuMillicores: 400, memoryBytes: 380 << 20))])), at: H.at(5), stream: vpa)
        h.append(.podObserved(H.pod("shop", web1.name, uid: web1.uid, desired: after, status: before,
                                    conditions: [PodCondition(type: PodCondition.resizePending, reason: "Deferred")])),
                 at: H.at(10), pod: web1)
        h.append(.resizeTransition(ResizeTransition(from: .none, to: .pendingDeferred, initiator: .vpa, reason: "Deferred",
                                                    message: "Node didn't have enough <cpu> & \"memory\"", newResize: true)),
                 at: H.at(10), pod: web1)
        h.append(.podObserved(H.pod("shop", web1.name, uid: web1.uid, desired: after, status: before,
                                    conditions: [PodCondition(type: PodCondition.resizeInProgress)])), at: H.at(20), pod: web1)
        h.append(.resizeTransition(ResizeTransition(from: .pendingDeferred, to: .inProgress, initiator: .vpa)), at: H.at(20), pod: web1)
        h.append(.podObserved(H.pod("shop", web1.name, uid: web1.uid, desired: after, status: after)), at: H.at(25), pod: web1)
        h.append(.resizeTransition(ResizeTransition(from: .inProgress, to: .completed, initiator: .vpa)), at: H.at(25), pod: web1)
        h.append(.recommendationPublished(PublishedRecommendation(containers: [
            ContainerRecommendation(container: "app", target: ResourceList(cpuMillicores: 450, memoryBytes: 400 << 20),
                                    lowerBound: ResourceList(cpuMillicores: 300, memoryBytes: 320 << 20),
                                    upperBound: ResourceList(cpuMillicores: 900, memoryBytes: 600 << 20),
                                    uncappedTarget: ResourceList(cpuMillicores: 450, memoryBytes: 400 << 20))])), at: H.at(30), stream: vpa)
        for minute in Int64(1)...45 {
            h.append(.usageSampled(UsageSample(at: H.at(minute), windowMilliseconds: 60_000, containers: [
                UsageSample.Container(name: "app", cpuMillicores: 100 + minute, memoryBytes: (200 + minute) << 20)])),
                     at: H.at(minute), pod: web1)
        }
        var kills: [Int64] = []
        for minute: Int64 in [39, 44] {
            kills.append(h.append(.oomKilled(OOMKill(container: "app", kind: .previous, at: H.at(minute), memoryRequestBytes: 384 << 20,
                                                     memoryLimitBytes: 768 << 20, source: .status, restartCount: 1)),
                                  at: H.at(minute + 1), pod: web1))
        }
        let eviction = h.append(.updaterDecision(UpdaterDecisionRecord(action: .evict, reason: "resource_diff: evicting", vpa: "shop/web",
                                                                       updateMode: .inPlaceOrRecreate)), at: H.at(48), pod: web1)
        h.append(.podDeleted(namespace: "shop", name: web1.name), at: H.at(50), pod: web1)
        h.append(.podObserved(H.pod("shop", web2.name, uid: web2.uid, desired: after, status: after)), at: H.at(50), pod: web2)
        return (h, kills, eviction)
    }

    static let until = H.at(60)
    static var x: TimeScale { TimeScale(start: H.t0, end: until, left: LaneGeometry.left, width: LaneGeometry.plotWidth) }
    static var memory: QuantityScale {
        QuantityScale(resource: .memory, largest: 768 << 20, top: LaneGeometry.plotTop, height: LaneGeometry.plotHeight)
    }
    static var cpu: QuantityScale {
        QuantityScale(resource: .cpu, largest: 1000, top: LaneGeometry.plotTop, height: LaneGeometry.plotHeight)
    }

    static func render(_ subject: ReportSubject, records: [EventRecord]) async throws -> (RenderedReport, XMLNode) {
        let history = try await ReportHistory.load(subject, since: nil, until: until, from: RecordsSource(records: records))
        let report = ResourceReport.render(history, options: ReportOptions(sourceName: "test", generatedAt: H.at(70)))
        return (report, try XMLNode.parse(report.html))
    }

    static func lane(_ page: XMLNode, pod: String, resource: String) throws -> XMLNode {
        try #require(page.all("svg", class: "lane").first {
            $0.attributes["data-pod"] == "shop/\(pod)" && $0.attributes["data-resource"] == resource && $0.attributes["data-container"] == "app"
        })
    }

    /// The x and y of each step (`V`) of a step path: the x where the pen was, the y it moved to.
    static func steps(_ d: String) -> [(x: Double, y: Double)] {
        var steps: [(Double, Double)] = []
        var x = 0.0
        for command in PathCommand.parse(d) {
            switch command.letter {
            case "M": x = command.values[0]
            case "H": x = command.values[0]
            case "V": steps.append((x, command.values[0]))
            default: break
            }
        }
        return steps
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 0.051 }

    @Test func eachStepLineHasOneStepPerChangeAtItsTimeAndAmount() async throws {
        let (report, page) = try await Self.render(.pod(namespace: "shop", name: Self.web1.name), records: Self.history().builder.records)
        let memory = try Self.lane(page, pod: Self.web1.name, resource: "memory")
        #expect(memory.attributes["data-maximum"] == "\(Self.memory.maximum)")
        #expect(Self.memory.maximum == 1 << 30)
        let expected: [(String, Timestamp, Int64)] = [("desired-request", H.at(10), 384 << 20), ("desired-limit", H.at(10), 768 << 20),
                                                     ("actual-request", H.at(25), 384 << 20), ("actual-limit", H.at(25), 768 << 20)]
        for (line, at, amount) in expected {
            let path = try #require(memory.all("path", class: line).first, "no \(line) line")
            let steps = Self.steps(path.attributes["d"] ?? "")
            #expect(steps.count == 1, "\(line): \(path.attributes["d"] ?? "")")
            #expect(steps.first.map { Self.close($0.x, Self.x.x(at)) && Self.close($0.y, Self.memory.y(amount)) } == true,
                    "\(line) steps at \(steps), expected \(Self.x.x(at)), \(Self.memory.y(amount))")
            // It starts at the first observation and ends at the deletion.
            let commands = PathCommand.parse(path.attributes["d"] ?? "")
            #expect(commands.first?.letter == "M" && Self.close(commands.first!.values[0], Self.x.x(H.t0)))
            #expect(commands.last?.letter == "H" && Self.close(commands.last!.values[0], Self.x.x(H.at(50))))
        }
        let cpu = try Self.lane(page, pod: Self.web1.name, resource: "cpu")
        let request = try #require(cpu.all("path", class: "desired-request").first)
        let cpuSteps = Self.steps(request.attributes["d"] ?? "")
        #expect(cpuSteps.count == 1 && Self.close(cpuSteps[0].x, Self.x.x(H.at(10))) && Self.close(cpuSteps[0].y, Self.cpu.y(500)))
        // The recommendation: a band and a target that changed once (380Mi → 400Mi at 09:30).
        #expect(!memory.all("path", class: "band").isEmpty)
        let target = try #require(memory.all("path", class: "target").first)
        let targetSteps = Self.steps(target.attributes["d"] ?? "")
        #expect(targetSteps.count == 1 && Self.close(targetSteps[0].x, Self.x.x(H.at(30))) && Self.close(targetSteps[0].y, Self.memory.y(400 << 20)))
        // Usage: every sample up to the deletion.
        #expect(memory.all("g", class: "usage").first?.attributes["data-samples"] == "45")
        let usage = try #require(memory.all("g", class: "usage").first?.all("path").first?.attributes["d"])
        let points = PathCommand.parse(usage)
        #expect(points.count == 45 && points.first?.letter == "M" && points.dropFirst().allSatisfy { $0.letter == "L" })
        #expect(points.last.map { Self.close($0.values[0], Self.x.x(H.at(45)).rounded()) && Self.close($0.values[1], Self.memory.y(245 << 20)) } == true)
        // The source strip: status from the first observation on.
        #expect(!memory.all("rect", class: "source-status").isEmpty && memory.all("rect", class: "source-spec_fallback").isEmpty)
        #expect(report.summary == ReportSummary(pods: 1, resizeSpans: 2, oomKills: 2, evictions: 1, start: H.t0, end: Self.until))
    }

    @Test func oneMarkPerOOMKillWithItsEventAsTitle() async throws {
        let (builder, kills, eviction) = Self.history()
        let (_, page) = try await Self.render(.pod(namespace: "shop", name: Self.web1.name), records: builder.records)
        let memory = try Self.lane(page, pod: Self.web1.name, resource: "memory")
        let marks = memory.all("g", class: "oom")
        #expect(marks.map { $0.attributes["data-position"] } == kills.map { "\($0)" })
        for (mark, position) in zip(marks, kills) {
            let record = try #require(builder.records.first { $0.event.position == position })
            #expect(mark.title == "#\(position) OomKilled: \(record.event.body.summary). Log position \(position): "
                    + "vpa-store query events --from-position \(position) --limit 1")
            guard case .oomKilled(let kill) = record.event.body else { continue }
            let line = try #require(mark.all("line").first)
            #expect(Self.close(Double(line.attributes["x1"] ?? "") ?? -1, Self.x.x(kill.at)))
            // The dots at the request and the limit the kill met.
            let request = try #require(mark.all("circle", class: "request").first)
            let limit = try #require(mark.all("circle", class: "limit").first)
            #expect(Self.close(Double(request.attributes["cy"] ?? "") ?? -1, Self.memory.y(384 << 20)))
            #expect(Self.close(Double(limit.attributes["cy"] ?? "") ?? -1, Self.memory.y(768 << 20)))
        }
        // The CPU lane marks the kills too, without the memory dots.
        let cpu = try Self.lane(page, pod: Self.web1.name, resource: "cpu")
        #expect(cpu.all("g", class: "oom").count == 2 && cpu.all("circle", class: "at-kill").count == 0)
        // The updater's eviction, with the memory it met.
        let evicted = try #require(memory.all("g", class: "eviction").first)
        #expect(evicted.attributes["data-position"] == "\(eviction)")
        #expect(evicted.title?.contains("request 384Mi, limit 768Mi") == true)
        #expect(evicted.title?.contains("--from-position \(eviction)") == true)
    }

    @Test func resizeSpansCarryStateInitiatorAndTimeout() async throws {
        let (_, page) = try await Self.render(.pod(namespace: "shop", name: Self.web1.name), records: Self.history().builder.records)
        let memory = try Self.lane(page, pod: Self.web1.name, resource: "memory")
        let deferred = try #require(memory.all("g", class: "resize-pending_deferred").first)
        #expect(deferred.attributes["data-initiator"] == "vpa")
        let rect = try #require(deferred.children.first { $0.name == "rect" })
        #expect(Self.close(Double(rect.attributes["x"] ?? "") ?? -1, Self.x.x(H.at(10))))
        #expect(Self.close(Double(rect.attributes["width"] ?? "") ?? -1, Self.x.x(H.at(20)) - Self.x.x(H.at(10))))
        // Escaped on the page, the message reads back exactly.
        #expect(deferred.title?.contains("Deferred: Node didn't have enough <cpu> & \"memory\"") == true)
        #expect(deferred.all("text", class: "initiator").first?.allText == "vpa")
        // Deferred for 10 minutes: timed out 5 minutes in.
        let timedOut = try #require(deferred.all("g", class: "timed-out").first)
        #expect(timedOut.title?.hasPrefix("timed out at 2026-11-02T09:05:00Z") == false)
        #expect(timedOut.title?.hasPrefix("timed out at 2026-11-02T09:15:00Z") == true)
        let inProgress = try #require(memory.all("g", class: "resize-in_progress").first)
        #expect(inProgress.all("g", class: "timed-out").isEmpty)
    }

    @Test func aWorkloadsPodsAreLanesInTheOrderTheyCame() async throws {
        let (report, page) = try await Self.render(.workload(WorkloadReference(namespace: "shop", kind: "Deployment", name: "web")),
                                                   records: Self.history().builder.records)
        let memoryLanes = page.all("svg", class: "lane").filter { $0.attributes["data-resource"] == "memory" }
        #expect(memoryLanes.map { $0.attributes["data-pod"] } == ["shop/\(Self.web1.name)", "shop/\(Self.web2.name)"])
        #expect(report.summary.pods == 2)
        // One time axis: the same window, so the same x for the same time in every lane.
        #expect(Set(memoryLanes.map { $0.attributes["data-start-ms"] }).count == 1)
        // web-2 did not exist before 09:50: greyed.
        let absent = try #require(memoryLanes[1].all("rect", class: "absent").first)
        #expect(Self.close(Double(absent.attributes["width"] ?? "") ?? -1, Self.x.x(H.at(50)) - LaneGeometry.left))
        #expect(page.all("h2").first?.allText.hasPrefix("Deployment shop/web (VPA web") == true)
    }

    /// Amounts at the edges a log can hold (a saturated `8Ei` limit, a negative lower bound) and a
    /// window of centuries draw a page with a handful of ticks, instead of trapping the server.
    @Test func extremeAmountsAndWindowsDrawAPage() async throws {
        var h = HistoryBuilder()
        let vpa = h.stream(.vpa, key: "vpa:shop/web", namespace: "shop", name: "web")
        h.append(.vpaObserved(VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                             updateMode: .inPlaceOrRecreate)), at: H.at(0), stream: vpa)
        let huge = ResourceRequirements(requests: ResourceList(cpuMillicores: 250, memoryBytes: 256 << 20),
                                        limits: ResourceList(cpuMillicores: .max, memoryBytes: .max))
        h.append(.podObserved(H.pod("shop", Self.web1.name, uid: Self.web1.uid, desired: huge, status: huge)), at: H.at(0), pod: Self.web1)
        h.append(.recommendationPublished(PublishedRecommendation(containers: [
            ContainerRecommendation(container: "app", target: ResourceList(cpuMillicores: 400, memoryBytes: 380 << 20),
                                    lowerBound: ResourceList(cpuMillicores: -Int64.max, memoryBytes: -Int64.max),
                                    upperBound: ResourceList(cpuMillicores: .max, memoryBytes: .max),
                                    uncappedTarget: ResourceList(cpuMillicores: 400, memoryBytes: 380 << 20))])), at: H.at(5), stream: vpa)
        let history = try await ReportHistory.load(.pod(namespace: "shop", name: Self.web1.name),
                                                   since: try Timestamp(rfc3339: "0001-01-01T00:00:00Z"),
                                                   until: try Timestamp(rfc3339: "9999-12-31T00:00:00Z"),
                                                   from: RecordsSource(records: h.records))
        let report = ResourceReport.render(history, options: ReportOptions(sourceName: "test", generatedAt: H.at(70)))
        let page = try XMLNode.parse(report.html)
        let memory = try Self.lane(page, pod: Self.web1.name, resource: "memory")
        #expect(!memory.all("path", class: "actual-limit").isEmpty)
        let timeTicks = try #require(memory.all("g", class: "x-axis").first).all("text")
        #expect((1...9).contains(timeTicks.count), "\(timeTicks.count) time ticks")
    }

    @Test func anEmptyHistoryGivesAPageThatSaysSo() async throws {
        let (report, page) = try await Self.render(.pod(namespace: "shop", name: "nothing-here"), records: Self.history().builder.records)
        #expect(report.summary.isEmpty)
        #expect(page.all("svg", class: "lane").isEmpty)
        let message = try #require(page.all("p", class: "empty").first)
        #expect(message.allText.contains("No history: test holds no pod of pod shop/nothing-here"))
        let bare = ResourceReport.render(ReportHistory(subject: .namespace("empty"), records: []),
                                         options: ReportOptions(sourceName: "x.db", generatedAt: H.t0))
        #expect(try XMLNode.parse(bare.html).all("p", class: "empty").count == 1)
    }

    @Test func axesAreInHumanUnitsAndUTCTimes() async throws {
        let (_, page) = try await Self.render(.pod(namespace: "shop", name: Self.web1.name), records: Self.history().builder.records)
        let memory = try Self.lane(page, pod: Self.web1.name, resource: "memory")
        let yLabels = memory.all("g", class: "y-axis").first?.all("text").map(\.allText)
        #expect(yLabels == ["0", "256Mi", "512Mi", "768Mi", "1Gi"])
        let cpu = try Self.lane(page, pod: Self.web1.name, resource: "cpu")
        #expect(cpu.all("g", class: "y-axis").first?.all("text").map(\.allText) == ["0", "250m", "500m", "750m", "1", "1250m"])
        for label in memory.all("g", class: "y-axis").first?.all("text") ?? [] {
            let amount = Int64(label.attributes["data-amount"] ?? "") ?? -1
            #expect(Self.close(Double(label.attributes["y"] ?? "") ?? -1, Self.memory.y(amount)))
        }
        let ticks = memory.all("g", class: "x-axis").first?.all("text") ?? []
        #expect(ticks.map(\.allText) == ["11-02 09:00", "09:10", "09:20", "09:30", "09:40", "09:50", "10:00"])
        for tick in ticks {
            let time = Timestamp(unixMilliseconds: Int64(tick.attributes["data-ms"] ?? "") ?? 0)
            #expect(Self.close(Double(tick.attributes["x"] ?? "") ?? -1, Self.x.x(time)))
        }
    }

    @Test func theStripShowsWhereTheActualValuesCameFrom() async throws {
        var h = HistoryBuilder()
        let store = h.stream(.store, key: "store", namespace: "", name: "")
        h.append(.inPlaceModeChanged(InPlaceModeChange(mode: .auto, detected: true)), at: H.t0, stream: store)
        let resources = H.resources(250, 256, limitCPU: 500, limitMi: 512)
        // No status resources yet (a kubelet that has not reported them): the spec stands in.
        h.append(.podObserved(H.pod("shop", Self.web1.name, uid: Self.web1.uid, desired: resources, status: nil)), at: H.at(0), pod: Self.web1)
        h.append(.podObserved(H.pod("shop", Self.web1.name, uid: Self.web1.uid, desired: resources, status: resources)),
                 at: H.at(20), pod: Self.web1)
        let (_, page) = try await Self.render(.pod(namespace: "shop", name: Self.web1.name), records: h.records)
        let memory = try Self.lane(page, pod: Self.web1.name, resource: "memory")
        let fallback = try #require(memory.all("rect", class: "source-spec_fallback").first)
        let status = try #require(memory.all("rect", class: "source-status").first)
        #expect(Self.close(Double(fallback.attributes["x"] ?? "") ?? -1, Self.x.x(H.t0)))
        #expect(Self.close(Double(fallback.attributes["width"] ?? "") ?? -1, Self.x.x(H.at(20)) - Self.x.x(H.t0)))
        #expect(Self.close(Double(status.attributes["x"] ?? "") ?? -1, Self.x.x(H.at(20))))
        #expect(fallback.title?.contains("spec_fallback") == true)
        // The values did not change, only their source: no step.
        #expect(memory.all("path", class: "actual-request").first?.attributes["data-changes"] == "0")
    }
}
