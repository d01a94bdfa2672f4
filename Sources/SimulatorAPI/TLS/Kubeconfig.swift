import Foundation
import VPAModel

/// The kubeconfig the simulated API server writes for its clients: one cluster (its URL and CA),
/// one user (the bearer token), one context, selected.
struct Kubeconfig: Sendable {
    /// The names of the cluster, user and context.
    static let name = "vpa-store-simulator"

    var server: String
    var certificateAuthorityPEM: String
    var token: String
    /// The simulated clock, published as a cluster extension (`SimulatedClock.extensionName`).
    var simulatedClock: SimulatedClock?

    /// The file's text, YAML as kubectl writes it.
    var text: String {
        let authorityData = Data(certificateAuthorityPEM.utf8).base64EncodedString()
        var extensions = ""
        if let simulatedClock {
            extensions = "    extensions:\n    - name: \(SimulatedClock.extensionName)\n      extension:\n"
                + simulatedClock.extensionMembers.map { "        \($0.key): \"\($0.value)\"\n" }.joined()
        }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: \(authorityData)
                server: \(server)
            \(extensions)  name: \(Self.name)
            contexts:
            - context:
                cluster: \(Self.name)
                user: \(Self.name)
              name: \(Self.name)
            current-context: \(Self.name)
            preferences: {}
            users:
            - name: \(Self.name)
              user:
                token: \(token)

            """
    }

    /// Writes the file readable by its owner only (it holds the token), replacing any file there.
    func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}
