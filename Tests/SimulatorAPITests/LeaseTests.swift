import Foundation
import NIOHTTP1
import SimulatorAPI
import SimulatedClusterSupport
import Testing

@Suite("Leases")
struct LeaseTests {
    private let path = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"

    private func lease(holder: String, resourceVersion: String? = nil) -> String {
        let version = resourceVersion.map { #","resourceVersion":"\#($0)""# } ?? ""
        return #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"vpa-updater","namespace":"kube-system"\#(version)},"spec":{"holderIdentity":"\#(holder)","leaseDurationSeconds":15,"acquireTime":"2026-11-02T00:00:00.000000Z","renewTime":"2026-11-02T00:00:00.000000Z","leaseTransitions":0}}"#
    }

    @Test("Create, get and update a Lease; an update with a stale resourceVersion is a 409 Conflict")
    func optimisticConcurrency() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { _, client, _ in
            #expect(try await client.get("\(path)/vpa-updater").status == 404)
            let created = try await client.send(.POST, path, body: lease(holder: "a"))
            #expect(created.status == 201)
            let first = try #require(field(try created.json, "metadata", "resourceVersion") as? String)
            #expect(field(try created.json, "metadata", "uid") as? String != nil)
            #expect(try await client.send(.POST, path, body: lease(holder: "b")).json["reason"] as? String == "AlreadyExists")

            let fetched = try await client.get("\(path)/vpa-updater").json
            #expect(field(fetched, "spec", "holderIdentity") as? String == "a")

            let updated = try await client.send(.PUT, "\(path)/vpa-updater", body: lease(holder: "a", resourceVersion: first))
            #expect(updated.status == 200)
            let second = try #require(field(try updated.json, "metadata", "resourceVersion") as? String)
            #expect(UInt64(second)! > UInt64(first)!)

            // A second candidate still holding the first version loses.
            let stale = try await client.send(.PUT, "\(path)/vpa-updater", body: lease(holder: "b", resourceVersion: first))
            #expect(stale.status == 409)
            let status = try stale.json
            #expect(status["reason"] as? String == "Conflict")
            #expect(status["message"] as? String == #"Operation cannot be fulfilled on leases.coordination.k8s.io "vpa-updater": the object has been modified; please apply your changes to the latest version and try again"#)
            #expect(field(try await client.get("\(path)/vpa-updater").json, "spec", "holderIdentity") as? String == "a")

            let list = try await client.get(path).json
            #expect(list["kind"] as? String == "LeaseList")
            #expect(try await client.send(.DELETE, "\(path)/vpa-updater").status == 200)
            #expect(try await client.get("\(path)/vpa-updater").status == 404)
        }
    }
}
