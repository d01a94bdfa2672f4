import Foundation
import KubernetesJSON
import VPAModel

/// Where the API server is and how to prove who we are: what a kubeconfig context or a pod's
/// service account resolves to, with every file already read (but the token file, which rotates).
public struct ClusterConnection: Sendable {
    /// `https://host:port` (or `http://` for a test server), without a trailing slash.
    public var server: String
    /// PEM bytes of the CA that signs the server's certificate; nil means the system's roots.
    public var certificateAuthorityPEM: [UInt8]?
    /// PEM bytes of the client certificate and its key, for certificate authentication.
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// `insecure-skip-tls-verify`: the server's certificate is not checked.
    public var insecureSkipTLSVerify: Bool
    /// The bearer token, if any.
    public var token: BearerToken?
    /// The namespace of the context (or of the pod's service account), when given.
    public var namespace: String?
    /// The simulated clock of `vpa-store simulate --api-listen`, when the kubeconfig's cluster
    /// carries one (`SimulatedClock.extensionName`); nil for a real cluster.
    public var simulatedClock: SimulatedClock?
    /// Where this came from, for error messages: `kubeconfig /root/.kube/config, context kind-a` or
    /// `in-cluster service account`.
    public var origin: String

    /// A connection; `load` and `inCluster` build these.
    public init(server: String, certificateAuthorityPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil,
                clientKeyPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false, token: BearerToken? = nil,
                namespace: String? = nil, origin: String) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.token = token
        self.namespace = namespace
        self.origin = origin
    }

    /// The in-cluster service-account files, as the kubelet mounts them.
    public static let serviceAccountFolder = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Resolves the connection as kubectl would: `kubeconfig` (the `--kubeconfig` flag), else the
    /// first file of `$KUBECONFIG`, else `~/.kube/config` when it exists, else the pod's service
    /// account when `KUBERNETES_SERVICE_HOST` is set.
    ///
    /// - Throws: `ClusterConnectionError` saying what was tried and what is wrong (file, field).
    public static func resolve(kubeconfig: String?, context: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               serviceAccountFolder: String = serviceAccountFolder) throws(ClusterConnectionError) -> ClusterConnection {
        if let kubeconfig { return try load(kubeconfig: kubeconfig, context: context) }
        if let list = environment["KUBECONFIG"], let first = list.split(separator: ":").first {
            return try load(kubeconfig: String(first), context: context)
        }
        if let home = environment["HOME"], FileManager.default.fileExists(atPath: home + "/.kube/config") {
            return try load(kubeconfig: home + "/.kube/config", context: context)
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil {
            if context != nil { throw ClusterConnectionError("--context needs a kubeconfig; running in-cluster there is none") }
            return try inCluster(environment: environment, serviceAccountFolder: serviceAccountFolder)
        }
        throw ClusterConnectionError("no cluster configuration: give --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run in a pod (KUBERNETES_SERVICE_HOST)")
    }

    /// The connection of `context` (else the current context) of the kubeconfig at `path`.
    public static func load(kubeconfig path: String, context: String?) throws(ClusterConnectionError) -> ClusterConnection {
        let bytes = try readFile(path, what: "kubeconfig")
        let document: KubeconfigDocument
        do throws(KubernetesInputError) {
            document = try KubeconfigDocument.decode(bytes, file: path)
        } catch {
            throw ClusterConnectionError("\(error)")
        }
        guard let contextName = context ?? document.currentContext else {
            throw ClusterConnectionError("\(path): no current-context; give --context (contexts: \(document.contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let selected = document.contexts[contextName] else {
            throw ClusterConnectionError("\(path): no context named \"\(contextName)\" (contexts: \(document.contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let cluster = document.clusters[selected.cluster] else {
            throw ClusterConnectionError("\(path): context \"\(contextName)\" names cluster \"\(selected.cluster)\", which the file does not define")
        }
        let origin = "kubeconfig \(path), context \(contextName)"
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var connection = ClusterConnection(server: String(cluster.server.reversed().drop { $0 == "/" }.reversed()),
                                           insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
                                           namespace: selected.namespace, origin: origin)
        if let members = cluster.extensions[SimulatedClock.extensionName] {
            guard let clock = SimulatedClock(extensionMembers: members) else {
                throw ClusterConnectionError("\(origin): the cluster's \(SimulatedClock.extensionName) extension needs simulatedStart, wallStart (RFC 3339) and a positive speed")
            }
            connection.simulatedClock = clock
        }
        connection.certificateAuthorityPEM = try material(data: cluster.certificateAuthorityData, file: cluster.certificateAuthority,
                                                          field: "certificate-authority", folder: folder, origin: origin)
        if !selected.user.isEmpty {
            guard let user = document.users[selected.user] else {
                throw ClusterConnectionError("\(path): context \"\(contextName)\" names user \"\(selected.user)\", which the file does not define")
            }
            if user.hasExec || user.hasAuthProvider {
                let kind = user.hasExec ? "exec" : "auth-provider"
                throw ClusterConnectionError("\(origin): user \"\(selected.user)\" authenticates with an \(kind) plugin, which vpa-store does not support; use a token or a client certificate (for example a ServiceAccount token: kubectl create token NAME)")
            }
            if user.hasBasicAuth {
                throw ClusterConnectionError("\(origin): user \"\(selected.user)\" has username/password, which Kubernetes removed in 1.19; use a token or a client certificate")
            }
            connection.clientCertificatePEM = try material(data: user.clientCertificateData, file: user.clientCertificate,
                                                           field: "client-certificate", folder: folder, origin: origin)
            connection.clientKeyPEM = try material(data: user.clientKeyData, file: user.clientKey,
                                                   field: "client-key", folder: folder, origin: origin)
            if (connection.clientCertificatePEM == nil) != (connection.clientKeyPEM == nil) {
                throw ClusterConnectionError("\(origin): user \"\(selected.user)\" has a client certificate without its key, or a key without its certificate")
            }
            if let token = user.token {
                connection.token = .fixed(token)
            } else if let file = user.tokenFile {
                connection.token = try .file(resolved(file, in: folder))
            }
        }
        guard connection.server.hasPrefix("https://") || connection.server.hasPrefix("http://") else {
            throw ClusterConnectionError("\(origin): server \"\(cluster.server)\" is not an https:// (or http://) address")
        }
        return connection
    }

    /// The connection a pod has to its own cluster: `KUBERNETES_SERVICE_HOST`/`_PORT`, the
    /// service-account token (re-read when it rotates) and `ca.crt`.
    public static func inCluster(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 serviceAccountFolder: String = serviceAccountFolder) throws(ClusterConnectionError) -> ClusterConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw ClusterConnectionError("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set")
        }
        let origin = "in-cluster service account (\(serviceAccountFolder))"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let namespace = (try? readFile(serviceAccountFolder + "/namespace", what: "namespace"))
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        return ClusterConnection(server: "https://\(hostPart):\(port)",
                                 certificateAuthorityPEM: try readFile(serviceAccountFolder + "/ca.crt", what: "service-account CA"),
                                 token: try .file(serviceAccountFolder + "/token"), namespace: namespace, origin: origin)
    }

    private static func material(data: String?, file: String?, field: String, folder: String,
                                 origin: String) throws(ClusterConnectionError) -> [UInt8]? {
        if let data {
            guard let decoded = Data(base64Encoded: data.filter { !$0.isWhitespace }) else {
                throw ClusterConnectionError("\(origin): \(field)-data is not valid base64")
            }
            return Array(decoded)
        }
        guard let file else { return nil }
        return try readFile(resolved(file, in: folder), what: "\(field) (\(origin))")
    }

    /// A kubeconfig's relative paths are relative to the kubeconfig's folder, as client-go resolves them.
    private static func resolved(_ path: String, in folder: String) -> String {
        path.hasPrefix("/") ? path : folder + "/" + path
    }

    static func readFile(_ path: String, what: String) throws(ClusterConnectionError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ClusterConnectionError("\(what) file \(path) \(reason)")
        }
        return Array(data)
    }
}

/// Why no connection to the cluster could be configured.
public struct ClusterConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the file and field.
    public var description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
