import Testing
import VPAModel

/// Which pods a VerticalPodAutoscaler manages, through owner references.
struct VPAOwnershipTests {
    func pod(_ name: String, namespace: String = "shop", owner: (kind: String, name: String)?, controller: Bool = true) -> PodObservation {
        PodObservation(namespace: namespace, name: name,
                       owners: owner.map { [OwnerReference(kind: $0.kind, name: $0.name, controller: controller)] } ?? [])
    }

    func vpa(_ kind: String, _ name: String) -> VPAObservation {
        VPAObservation(namespace: "shop", name: "v", targetKind: kind, targetName: name)
    }

    @Test func aDeploymentManagesThePodsOfItsReplicaSets() {
        let deployment = vpa("Deployment", "web")
        #expect(deployment.manages(pod("web-5d8f9c-abcde", owner: ("ReplicaSet", "web-5d8f9c"))))
        // Another deployment whose name starts the same: web-api's ReplicaSet is web-api-7f6d.
        #expect(!deployment.manages(pod("web-api-7f6d-xyz", owner: ("ReplicaSet", "web-api-7f6d"))))
        #expect(!deployment.manages(pod("web-5d8f9c-abcde", namespace: "other", owner: ("ReplicaSet", "web-5d8f9c"))))
        #expect(!deployment.manages(pod("web-0", owner: nil)))
    }

    @Test func directOwnersMatchByKindAndName() {
        #expect(vpa("StatefulSet", "db").manages(pod("db-0", owner: ("StatefulSet", "db"))))
        #expect(!vpa("StatefulSet", "db").manages(pod("db-0", owner: ("StatefulSet", "db2"))))
        #expect(vpa("DaemonSet", "agent").manages(pod("agent-x1", owner: ("DaemonSet", "agent"))))
        #expect(vpa("Job", "migrate").manages(pod("migrate-q7", owner: ("Job", "migrate"))))
        #expect(vpa("CronJob", "report").manages(pod("report-28912345-abc", owner: ("Job", "report-28912345"))))
        #expect(!vpa("DaemonSet", "agent").manages(pod("agent-x1", owner: ("ReplicaSet", "agent"))))
    }

    @Test func onlyTheControllerReferenceCounts() {
        let withTwo = PodObservation(namespace: "shop", name: "web-1", owners: [
            OwnerReference(kind: "ConfigMap", name: "web", controller: false),
            OwnerReference(kind: "ReplicaSet", name: "web-6b7c", controller: true),
        ])
        #expect(vpa("Deployment", "web").manages(withTwo))
        #expect(!vpa("ConfigMap", "web").manages(withTwo))
    }
}
