import Simulator
import Testing
import VPAModel

@Suite("The standard demo scenario")
struct StandardScenarioTests {
    @Test("its first hour shows every scripted resize outcome")
    func scriptedFirstHour() throws {
        var cluster = try ClusterSimulation(scenario: .standardDemo())
        var byMinute: [Int64: ClusterSimulation] = [:]
        for step in 1...60 {
            _ = cluster.advance(byMilliseconds: minuteMilliseconds)
            byMinute[Int64(step)] = cluster
        }
        func pod(_ workload: String, _ replica: Int, at minute: Int64) -> PodObservation? {
            byMinute[minute]?.pod(PodSelector(workload: workload, replica: replica))
        }
        #expect(cluster.vpaObservations.count == 4)
        // Manual resize at 5: completed by 6.
        #expect(pod("web", 0, at: 6)?.container(named: "app")?.status?.resources?.requests.memoryBytes == 640 * mebibyte)
        // Deferred from 10 until the scale-down at 25, then completed.
        #expect(pod("batch", 0, at: 15)?.observedResize?.state == .pendingDeferred)
        #expect(pod("batch", 0, at: 24)?.observedResize?.state == .pendingDeferred)
        #expect(pod("batch", 1, at: 26) == nil)
        #expect(pod("batch", 0, at: 26)?.container(named: "batch")?.status?.resources?.requests.cpuMillicores == 1600)
        // Infeasible from 20.
        #expect(pod("api", 2, at: 21)?.observedResize?.state == .pendingInfeasible)
        // Stuck from 30.
        #expect(pod("web", 1, at: 31)?.observedResize?.state == .inProgress)
        #expect(pod("web", 1, at: 60)?.observedResize?.state == .inProgress)
        // Memory-limit decrease refused at 40, done after the OOM kill.
        #expect(pod("worker", 0, at: 41)?.observedResize?.state == .inProgressError)
        let worker = try #require(pod("worker", 0, at: 50)?.container(named: "worker")?.status)
        #expect(worker.restartCount == 1 && worker.lastState?.terminationReason == "OOMKilled")
        #expect(worker.resources?.limits.memoryBytes == 300 * mebibyte)

        let counters = cluster.counters
        #expect(counters.manualResizes == 5)
        #expect(counters.resizesDeferred == 1 && counters.resizesInfeasible == 1)
        #expect(counters.resizesStuck == 1 && counters.memoryLimitDecreasesBlocked == 1)
        #expect(counters.resizesCompleted == 3)
        #expect(counters.oomKills == 2)
        #expect(counters.podsCreated == 10 && counters.podsDeleted == 1)
    }

    @Test("two simulated days run, and the same seed gives the same observations")
    func twoDaysDeterministic() throws {
        func run() throws -> (ClusterSimulation, [StepOutput], Duration) {
            var cluster = try ClusterSimulation(scenario: .standardDemo())
            var outputs: [StepOutput] = []
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                for _ in 0..<(2 * 24 * 60) { outputs.append(cluster.advance(byMilliseconds: minuteMilliseconds)) }
            }
            return (cluster, outputs, elapsed)
        }
        let (cluster, outputs, elapsed) = try run()
        #expect(cluster.now == minute(2 * 24 * 60))
        // Two workers leaking until the VPA (not running here) raises their limit: killed all along.
        #expect(cluster.counters.oomKills > 100)
        #expect(cluster.counters.usageSamples == outputs.reduce(0) { $0 + $1.usage.count })
        #expect(outputs.allSatisfy { output in zip(output.batches, output.batches.dropFirst()).allSatisfy { $0.at < $1.at } })
        let (again, outputsAgain, _) = try run()
        #expect(again.counters == cluster.counters && outputsAgain == outputs)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("standard demo, pure model: 2880 simulated minutes in \(seconds) s = \(Int(2880 / max(seconds, 1e-9))) simulated minutes per second")
    }
}
