import Foundation
import Testing
import Yams
import VPAStoreTestSupport

/// Issue 10, item 3: the kustomize base in deploy/ renders with the real kubectl (offline), every
/// object validates against the Kubernetes 1.33 schema (`kubernetes-validate --strict`, PyPI), and
/// what the objects say agrees with the binaries: every flag a container passes is one its command
/// accepts, every probe and listener points at a declared port, and every container is locked down.
struct DeployManifestTests {
    /// The rendered base as kubectl prints it.
    static func render() throws -> String {
        let workspace = Workspace()
        let copy = workspace.directory.appendingPathComponent("deploy")
        try FileManager.default.copyItem(at: CommandRunner.packageRoot.appendingPathComponent("deploy"), to: copy)
        try? FileManager.default.removeItem(at: copy.appendingPathComponent("secrets"))
        let secrets = try Self.run("/usr/bin/env", ["bash", copy.appendingPathComponent("make-secrets.sh").path,
                                                    copy.appendingPathComponent("secrets").path])
        #expect(secrets.status == 0, "make-secrets.sh: \(secrets.stderr)")
        let rendered = try Self.run("/usr/bin/env", ["kubectl", "kustomize", copy.path])
        try #require(rendered.status == 0, "kubectl kustomize: \(rendered.stderr)")
        return rendered.stdout
    }

    /// One dictionary per object of `yaml`.
    static func objects(_ yaml: String) throws -> [[String: Any]] {
        try Yams.load_all(yaml: yaml).compactMap { $0 as? [String: Any] }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> CommandRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandRunner.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                    stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func theBaseRendersAndEveryObjectValidatesAgainstKubernetes133() async throws {
        let yaml = try await offPool { try Self.render() }
        let objects = try Self.objects(yaml)
        let kinds = objects.map { "\($0["kind"] ?? "")/\(($0["metadata"] as? [String: Any])?["name"] ?? "")" }
        for expected in ["Namespace/vpa-store", "StatefulSet/vpa-store", "Service/vpa-store", "Deployment/vpa-recommender",
                         "Deployment/vpa-updater", "ServiceAccount/vpa-store", "ServiceAccount/vpa-recommender",
                         "ServiceAccount/vpa-updater", "ClusterRole/vpa-store-feed", "ClusterRole/vpa-store-recommender",
                         "ClusterRole/vpa-store-updater", "Role/vpa-store-leader-election", "NetworkPolicy/vpa-store"] {
            #expect(kinds.contains(expected), "the base lacks \(expected): \(kinds)")
        }
        #expect(kinds.contains { $0.hasPrefix("Secret/vpa-store-credentials-") }, "\(kinds)")

        let workspace = Workspace()
        let file = workspace.directory.appendingPathComponent("rendered.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let validated = try await offPool {
            try Self.run("/usr/bin/env", ["kubernetes-validate", "--kubernetes-version", "1.33.0", "--strict", "--quiet", file.path])
        }
        #expect(validated.status == 0, "kubernetes-validate:\n\(validated.stdout)\(validated.stderr)")
    }

    /// What deploy/make-secrets.sh writes works as the base uses it: `serve` with its certificate and
    /// token; the feed beside it dialling 127.0.0.1; the updater dialling the Service name `vpa-store`
    /// (here 127.0.0.1 checked as that name).
    @Test func theSecretsMakeSecretsWritesCarryTheBasesConnections() async throws {
        let outcome = try await offPool { () throws -> [String] in
            let workspace = Workspace()
            let secrets = workspace.directory.appendingPathComponent("secrets").path
            let made = try Self.run("/usr/bin/env", ["bash", CommandRunner.packageRoot.appendingPathComponent("deploy/make-secrets.sh").path,
                                                     secrets])
            guard made.status == 0 else { return ["make-secrets.sh: \(made.stderr)"] }
            let server = try ProcessTests.ServeCommandTests.ServeProcess(workspace.runner, [
                "--tls-cert", "\(secrets)/tls.crt", "--tls-key", "\(secrets)/tls.key", "--token-file", "\(secrets)/token"])
            var problems: [String] = []
            let asFeed = try workspace.runner.run(["query", "resources", "--server", server.address,
                                                   "--tls-ca", "\(secrets)/ca.crt", "--token-file", "\(secrets)/token"])
            if asFeed.status != 0 { problems.append("over 127.0.0.1: \(asFeed.stderr)") }
            let asUpdater = try workspace.runner.run(CommandRunner.binary(named: "vpa-updater"), [
                "--server", server.address, "--once", "--tls-ca", "\(secrets)/ca.crt", "--tls-server-name", "vpa-store",
                "--token-file", "\(secrets)/token"])
            if asUpdater.status != 0 { problems.append("as vpa-store: \(asUpdater.stderr)") }
            let withoutToken = try workspace.runner.run(["query", "resources", "--server", server.address, "--tls-ca", "\(secrets)/ca.crt"])
            if withoutToken.status == 0 { problems.append("a client without the token was served") }
            let (status, log) = server.stop()
            if status != 0 { problems.append("serve exited \(status): \(log)") }
            return problems
        }
        #expect(outcome.isEmpty, "\(outcome)")
    }

    @Test func everyContainerFlagIsOneItsCommandAcceptsAndEveryProbeHitsADeclaredPort() async throws {
        let objects = try Self.objects(try await offPool { try Self.render() })
        var checked = 0
        for object in objects where ["StatefulSet", "Deployment"].contains(object["kind"] as? String) {
            let spec = try #require(((object["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
            let podSecurity = spec["securityContext"] as? [String: Any] ?? [:]
            #expect(podSecurity["runAsNonRoot"] as? Bool == true)
            for container in spec["containers"] as? [[String: Any]] ?? [] {
                let name = container["name"] as? String ?? "?"
                let command = (container["command"] as? [String])?.first ?? "vpa-store"
                let arguments = container["args"] as? [String] ?? []
                // `vpa-store SUBCOMMAND --flag…` or `vpa-recommender --flag…`.
                let subcommand = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 }
                let help = try await offPool {
                    try Self.run(CommandRunner.binary(named: command).path, (subcommand.map { [$0] } ?? []) + ["--help"])
                }
                for argument in arguments where argument.hasPrefix("--") {
                    let flag = String(argument.prefix { $0 != "=" })
                    #expect(help.stdout.contains(flag + " ") || help.stdout.contains(flag + "\n") || help.stdout.contains(flag + ","),
                            "\(name): \(command) \(subcommand ?? "") does not accept \(flag)")
                }
                let ports = (container["ports"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
                    guard let get = (container[probe] as? [String: Any])?["httpGet"] as? [String: Any] else { continue }
                    #expect(ports.contains(get["port"] as? String ?? ""), "\(name) \(probe) uses an undeclared port")
                    #expect(["/healthz", "/readyz"].contains(get["path"] as? String ?? ""), "\(name) \(probe)")
                }
                #expect(container["readinessProbe"] != nil && container["livenessProbe"] != nil, "\(name) lacks probes")
                let declared = (container["ports"] as? [[String: Any]] ?? []).compactMap { $0["containerPort"] as? Int }
                for argument in arguments where argument.contains("-listen=") {
                    let port = Int(argument.split(separator: ":").last ?? "") ?? -1
                    #expect(declared.contains(port), "\(name): \(argument) listens on an undeclared port")
                }
                let security = container["securityContext"] as? [String: Any] ?? [:]
                #expect(security["readOnlyRootFilesystem"] as? Bool == true, "\(name)")
                #expect(security["allowPrivilegeEscalation"] as? Bool == false, "\(name)")
                #expect((security["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"], "\(name)")
                #expect((container["resources"] as? [String: Any])?["requests"] != nil, "\(name) has no resource requests")
                checked += 1
            }
        }
        #expect(checked == 4, "the store, the feed beside it, the recommender and the updater")
    }
}
