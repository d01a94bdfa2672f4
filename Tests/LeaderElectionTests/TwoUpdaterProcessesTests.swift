import Foundation
import KubernetesAPI
import NIOHTTP1
import SimulatedClusterSupport
import SimulatorAPI
import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// Two real `vpa-updater` processes with `--leader-elect` against one store and one simulated
/// cluster: only the one holding the Lease resizes; SIGTERM releases it, and the other takes over
/// long before the lease would have expired.
@Suite struct TwoUpdaterProcessesTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A running `vpa-updater`, its standard error in a file.
    final class Updater: @unchecked Sendable {
        // @unchecked: `process` is started once in init and only read afterwards.
        let process = Process()
        let log: String

        init(name: String, directory: String, arguments: [String]) throws {
            let binary = TwoUpdaterProcessesTests.packageRoot.appendingPathComponent(".build/debug/vpa-updater")
            guard FileManager.default.isExecutableFile(atPath: binary.path) else {
                throw ProcessError("no vpa-updater binary at \(binary.path): run `swift build` before `swift test`")
            }
            log = "\(directory)/\(name).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            process.executableURL = binary
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: log)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Lines of its log that contain `text`.
        func count(_ text: String) -> Int {
            let contents = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return contents.split(separator: "\n").filter { $0.contains(text) }.count
        }

        /// SIGTERM, then its exit status.
        func terminate() async -> Int32 {
            process.terminate()
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
            return process.terminationStatus
        }
    }

    struct ProcessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func onlyTheLeaderProcessResizes() async throws {
        try await withSimulatedAPI { server, _ in
            try await withServer { store, storeClient in
                try await TwoUpdatersTests.seed(storeClient, from: server)
                let directory = store.directory.path
                let arguments = ["--server", "127.0.0.1:\(store.port)", "--actuate", "api", "--kubeconfig", server.kubeconfigPath,
                                 "--leader-elect", "--leader-elect-lease-duration", "5s", "--leader-elect-renew-deadline", "1s",
                                 "--leader-elect-retry-period", "200ms", "--interval", "100ms", "--resend-after", "1ms"]
                let a = try Updater(name: "a", directory: directory, arguments: arguments)
                var b: Updater?
                do {
                    #expect(await eventually(timeout: .seconds(20)) { a.count("Became the leader") == 1 })
                    b = try Updater(name: "b", directory: directory, arguments: arguments)
                    let follower = try #require(b)
                    #expect(await eventually(timeout: .seconds(20)) { follower.count("Campaigning for leadership") == 1 })
                    // Wait for the leader's work rather than a fixed time: under a full parallel test
                    // run on 2 cores a process's loops come late.
                    #expect(await eventually(timeout: .seconds(60)) { a.count("Resized pod in place") >= 3 })
                    #expect(follower.count("Resized pod in place") == 0)
                    #expect(follower.count("Became the leader") == 0)

                    let stopped = ContinuousClock.now
                    #expect(await a.terminate() == 0)
                    #expect(a.count("Released the lease") == 1)
                    let resizedByA = a.count("Resized pod in place")
                    #expect(await eventually { follower.count("Resized pod in place") > 0 })
                    #expect(ContinuousClock.now - stopped < .seconds(4))
                    #expect(a.count("Resized pod in place") == resizedByA)
                    #expect(await follower.terminate() == 0)
                } catch {
                    _ = await a.terminate()
                    _ = await b?.terminate()
                    throw error
                }
            }
        }
    }
}

/// `vpa-recommender --once --leader-elect --publish api` as a process: it takes the Lease, writes
/// the VPA's status, and releases the Lease when it exits.
@Suite struct RecommenderProcessTests {
    @Test func recommenderPublishesToTheAPIUnderTheLease() async throws {
        try await withSimulatedAPI { server, kubernetes in
            try await withServer { store, storeClient in
                let start = await server.now
                let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                         updateMode: .inPlaceOrRecreate)
                let pods = await server.pods
                _ = try await storeClient.ingest(IngestRequest(observedAt: start, inPlaceMode: .enabled,
                                                               observations: [.vpa(vpa)] + pods.map { .pod($0) }))
                let samples: [Observation] = (0..<60).flatMap { minute in
                    pods.map { pod in
                        .usage(UsageObservation(namespace: "shop", pod: pod.name, sample: UsageSample(
                            at: start.advanced(byMilliseconds: Int64(minute) * 60_000), windowMilliseconds: 60_000,
                            containers: [.init(name: "app", cpuMillicores: 150, memoryBytes: 200 * mebibyte)])))
                    }
                }
                _ = try await storeClient.ingest(IngestRequest(observedAt: start.advanced(byMilliseconds: 3_600_000),
                                                               observations: samples))
                let binary = TwoUpdaterProcessesTests.packageRoot.appendingPathComponent(".build/debug/vpa-recommender")
                let process = Process()
                process.executableURL = binary
                process.arguments = ["--server", "127.0.0.1:\(store.port)", "--once", "--now-from-log", "--publish", "api",
                                     "--kubeconfig", server.kubeconfigPath, "--leader-elect",
                                     "--leader-elect-lease-name", "vpa-recommender", "--leader-elect-namespace", "vpa-system"]
                let output = Pipe()
                process.standardOutput = output
                process.standardError = FileHandle.nullDevice
                try process.run()
                let stdout = String(decoding: (try? output.fileHandleForReading.readToEnd()) ?? Data(), as: UTF8.self)
                while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
                #expect(process.terminationStatus == 0)
                #expect(stdout.contains("1 recommendation published, 1 VPA status written"))

                let lease = try await kubernetes.send(.GET, APIResource.leases.objectPath(namespace: "vpa-system", name: "vpa-recommender"))
                let spec = (try JSONSerialization.jsonObject(with: Data(lease)) as? [String: Any])?["spec"] as? [String: Any]
                #expect(spec?["holderIdentity"] == nil)
                #expect(spec?["leaseDurationSeconds"] as? Int == 1)
                let status = try await kubernetes.send(.GET, APIResource.verticalPodAutoscalers.objectPath(namespace: "shop", name: "web"))
                #expect(String(decoding: status, as: UTF8.self).contains("containerRecommendations"))
            }
        }
    }
}
