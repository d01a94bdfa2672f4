@testable import EventStore
import Testing
import VPAModel

/// Time travel by namespace or pod (per-container history lookups) gives exactly what the
/// whole-cluster query gives for the same pods.
struct TimeTravelTests {
    @Test func perContainerLookupsAgreeWithTheWholeClusterScan() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        func pod(_ namespace: String, _ name: String, _ uid: Int, cpu: Int64, conditions: [PodCondition] = []) -> Observation {
            .pod(PodBuilder().with {
                $0.namespace = namespace
                $0.name = name
                $0.uid = "6f1c1f4e-0000-4000-8000-0000000000\(10 + uid)"
                $0.desired = PodBuilder.resources(cpu: cpu, memoryMi: 256)
                $0.conditions = conditions
            }.pod)
        }
        _ = try store.ingest([pod("shop", "web-0", 0, cpu: 250), pod("shop", "web-1", 1, cpu: 250), pod("db", "db-0", 2, cpu: 500)],
                             observedAt: minute(0))
        _ = try store.ingest([pod("shop", "web-0", 0, cpu: 400, conditions: PodBuilder.inProgress)], observedAt: minute(10))
        _ = try store.ingest([.podDeleted(PodObservation(uid: "6f1c1f4e-0000-4000-8000-000000000011", namespace: "shop", name: "web-1"))],
                             observedAt: minute(20))
        _ = try store.ingest([pod("shop", "web-0", 0, cpu: 400), pod("db", "db-0", 2, cpu: 600, conditions: PodBuilder.deferred)],
                             observedAt: minute(30))
        let points: [PointInTime] = [.time(minute(-1)), .time(minute(0)), .time(minute(5)), .time(minute(15)), .time(minute(25)),
                                     .time(minute(40))] + (1...store.headPosition).map { .position($0) }
        var compared = 0
        for point in points {
            let all = try store.resources(at: point)
            for namespace in ["shop", "db", "none"] {
                #expect(try store.resources(at: point, namespace: namespace) == all.filter { $0.namespace == namespace }, "\(point) \(namespace)")
            }
            for name in ["web-0", "web-1", "db-0"] {
                #expect(try store.resources(at: point, pod: name) == all.filter { $0.pod == name }, "\(point) \(name)")
                compared += 1
            }
        }
        #expect(compared == points.count * 3)
        // The history is not trivial: web-0 changed, web-1 went away, db-0 is mid-resize at the end.
        #expect(try store.resources(at: .time(minute(15)), pod: "web-0").first?.desired.requests.cpuMillicores == 400)
        #expect(try store.resources(at: .time(minute(25)), pod: "web-1").isEmpty)
        #expect(try store.resources(at: .time(minute(40)), pod: "db-0").first?.resizeState == .pendingDeferred)
    }
}
