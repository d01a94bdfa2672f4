import Foundation
import KubernetesAPI
import Testing

/// Kubeconfig and in-cluster configuration, resolved from real files in a temporary folder.
@Suite struct ClusterConnectionTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "vpa-store-kubeconfig-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    func kubeconfig(user: String, currentContext: String = "sim") -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: \(currentContext)
        clusters:
        - name: simulator
          cluster:
            server: https://127.0.0.1:6443/
            certificate-authority: ca.crt
        - name: other
          cluster:
            server: https://10.0.0.1
            certificate-authority-data: \(Data(Self.pem.utf8).base64EncodedString())
            insecure-skip-tls-verify: true
        contexts:
        - name: sim
          context: {cluster: simulator, user: u, namespace: shop}
        - name: other
          context: {cluster: other, user: u}
        users:
        - name: u
          user:
        \(user)
        """
    }

    @Test func aContextResolvesItsClusterUserAndRelativeFiles() throws {
        _ = try write("ca.crt", Self.pem)
        let path = try write("config", kubeconfig(user: "    token: abc123"))
        let connection = try ClusterConnection.load(kubeconfig: path, context: nil)
        #expect(connection.server == "https://127.0.0.1:6443")
        #expect(connection.certificateAuthorityPEM == Array(Self.pem.utf8))
        #expect(try connection.token?.current() == "abc123")
        #expect(connection.namespace == "shop")
        #expect(connection.origin == "kubeconfig \(path), context sim")
        #expect(!connection.insecureSkipTLSVerify)

        let other = try ClusterConnection.load(kubeconfig: path, context: "other")
        #expect(other.server == "https://10.0.0.1")
        #expect(other.certificateAuthorityPEM == Array(Self.pem.utf8))
        #expect(other.insecureSkipTLSVerify)
    }

    @Test func aTokenFileIsReadAgainWhenItChanges() throws {
        _ = try write("ca.crt", Self.pem)
        let tokenPath = try write("token", "first\n")
        let path = try write("config", kubeconfig(user: "    tokenFile: token"))
        let token = try #require(try ClusterConnection.load(kubeconfig: path, context: nil).token)
        #expect(try token.current() == "first")
        // A rotated token: a different size, so the stamp differs even within one mtime tick.
        try "second-token\n".write(toFile: tokenPath, atomically: true, encoding: .utf8)
        #expect(try token.current() == "second-token")
    }

    @Test func execAndAuthProviderUsersAreRefusedWithWhatToUseInstead() throws {
        _ = try write("ca.crt", Self.pem)
        let exec = try write("exec", kubeconfig(user: "    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1"))
        let error = #expect(throws: ClusterConnectionError.self) { try ClusterConnection.load(kubeconfig: exec, context: nil) }
        #expect(error?.description.contains("exec plugin, which vpa-store does not support; use a token or a client certificate") == true)
        let provider = try write("provider", kubeconfig(user: "    auth-provider:\n      name: oidc"))
        let second = #expect(throws: ClusterConnectionError.self) { try ClusterConnection.load(kubeconfig: provider, context: nil) }
        #expect(second?.description.contains("auth-provider plugin") == true)
    }

    @Test func mistakesNameTheFileAndWhatIsWrong() throws {
        let path = try write("config", kubeconfig(user: "    token: t", currentContext: "nope"))
        let missingContext = #expect(throws: ClusterConnectionError.self) { try ClusterConnection.load(kubeconfig: path, context: nil) }
        #expect(missingContext?.description == "\(path): no context named \"nope\" (contexts: other, sim)")
        let missingCA = #expect(throws: ClusterConnectionError.self) { try ClusterConnection.load(kubeconfig: path, context: "sim") }
        #expect(missingCA?.description.contains("certificate-authority") == true)
        #expect(missingCA?.description.contains("\(folder)/ca.crt does not exist") == true)
        let broken = try write("broken", "clusters:\n- name: a\n  cluster:\n    server: 7\n    insecure-skip-tls-verify: maybe\n")
        let field = #expect(throws: ClusterConnectionError.self) { try ClusterConnection.load(kubeconfig: broken, context: "x") }
        #expect(field?.description.contains("clusters[0].cluster.insecure-skip-tls-verify") == true)
        #expect(throws: ClusterConnectionError.self) {
            try ClusterConnection.resolve(kubeconfig: nil, context: nil, environment: ["HOME": folder + "/nowhere"])
        }
    }

    @Test func inClusterUsesTheServiceAccountFiles() throws {
        let account = folder + "/serviceaccount"
        try FileManager.default.createDirectory(atPath: account, withIntermediateDirectories: true)
        try "bound-token".write(toFile: account + "/token", atomically: true, encoding: .utf8)
        try Self.pem.write(toFile: account + "/ca.crt", atomically: true, encoding: .utf8)
        try "vpa-system".write(toFile: account + "/namespace", atomically: true, encoding: .utf8)
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443", "HOME": folder]
        let connection = try ClusterConnection.resolve(kubeconfig: nil, context: nil, environment: environment,
                                                       serviceAccountFolder: account)
        #expect(connection.server == "https://[fd00::1]:443")
        #expect(try connection.token?.current() == "bound-token")
        #expect(connection.namespace == "vpa-system")
        #expect(connection.certificateAuthorityPEM == Array(Self.pem.utf8))
    }
}
