/// A kubeconfig file (`kind: Config`) as written: clusters, users and contexts by name.
///
/// Only the fields a client of the API server needs; paths are as written (relative ones are
/// relative to the file's folder, which the caller resolves, as client-go does).
public struct KubeconfigDocument: Hashable, Sendable {
    /// One `clusters[].cluster`.
    public struct Cluster: Hashable, Sendable {
        public var server: String
        public var certificateAuthority: String?
        /// `certificate-authority-data`, still base64.
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
        /// `extensions`: each named extension's scalar members as text (`speed: 60` → `"60"`).
        public var extensions: [String: [String: String]]
    }

    /// One `users[].user`.
    public struct User: Hashable, Sendable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        /// `client-certificate-data`, still base64.
        public var clientCertificateData: String?
        public var clientKey: String?
        /// `client-key-data`, still base64.
        public var clientKeyData: String?
        /// True when the user authenticates with an `exec` plugin.
        public var hasExec: Bool
        /// True when the user authenticates with an `auth-provider` (gcp, azure, oidc).
        public var hasAuthProvider: Bool
        /// True when the user has `username`/`password` (basic authentication).
        public var hasBasicAuth: Bool
    }

    /// One `contexts[].context`.
    public struct Context: Hashable, Sendable {
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    public var clusters: [String: Cluster]
    public var users: [String: User]
    public var contexts: [String: Context]
    public var currentContext: String?

    /// Decodes a kubeconfig (YAML, or JSON which is YAML too).
    ///
    /// - Throws: `KubernetesInputError` naming the file, line and field (`users[0].user.token: …`).
    public static func decode(_ bytes: [UInt8], file: String) throws(KubernetesInputError) -> KubeconfigDocument {
        var reader = YAMLReader(bytes: bytes)
        let document: (value: JSONValue, line: Int?)?
        do throws(YAMLSyntaxError) {
            document = try reader.nextDocument()
        } catch {
            throw KubernetesInputError(file: file, document: 1, line: error.line, fieldPath: "", message: error.message)
        }
        guard let document, case .object = document.value else {
            throw KubernetesInputError(file: file, document: 1, line: nil, fieldPath: "",
                                       message: "not a kubeconfig (expected a mapping with clusters, users and contexts)")
        }
        do throws(FieldError) {
            return try decode(FieldReader(document.value, path: .root, lenientScalars: true))
        } catch {
            throw KubernetesInputError(file: file, document: 1, line: reader.line(of: error.path) ?? document.line,
                                       fieldPath: error.path.description, message: error.message)
        }
    }

    /// `extensions: [{name, extension: {…}}]`, keeping the scalar members of each extension object.
    static func extensions(_ cluster: FieldReader) throws(FieldError) -> [String: [String: String]] {
        var extensions: [String: [String: String]] = [:]
        for entry in try cluster.objects("extensions") {
            let name = try entry.requiredString("name")
            var members: [String: String] = [:]
            for member in try entry.object("extension")?.object.members ?? [] {
                switch member.value {
                case .string(let text), .number(let text): members[member.key] = text
                case .bool(let flag): members[member.key] = flag ? "true" : "false"
                default: continue
                }
            }
            extensions[name] = members
        }
        return extensions
    }

    static func decode(_ root: FieldReader) throws(FieldError) -> KubeconfigDocument {
        if let kind = try root.nonEmptyString("kind"), kind != "Config" {
            throw FieldError(path: root.path.appending("kind"), message: "expected Config, found \(kind)")
        }
        var config = KubeconfigDocument(clusters: [:], users: [:], contexts: [:],
                                        currentContext: try root.nonEmptyString("current-context"))
        for entry in try root.objects("clusters") {
            let name = try entry.requiredString("name")
            let cluster = try entry.requiredObject("cluster")
            config.clusters[name] = Cluster(
                server: try cluster.requiredString("server"),
                certificateAuthority: try cluster.nonEmptyString("certificate-authority"),
                certificateAuthorityData: try cluster.nonEmptyString("certificate-authority-data"),
                insecureSkipTLSVerify: try cluster.bool("insecure-skip-tls-verify") ?? false,
                tlsServerName: try cluster.nonEmptyString("tls-server-name"),
                extensions: try extensions(cluster))
        }
        for entry in try root.objects("users") {
            let name = try entry.requiredString("name")
            let user = try entry.object("user")
            config.users[name] = User(
                token: try user?.nonEmptyString("token"),
                tokenFile: try user?.nonEmptyString("tokenFile"),
                clientCertificate: try user?.nonEmptyString("client-certificate"),
                clientCertificateData: try user?.nonEmptyString("client-certificate-data"),
                clientKey: try user?.nonEmptyString("client-key"),
                clientKeyData: try user?.nonEmptyString("client-key-data"),
                hasExec: user?.value("exec") != nil,
                hasAuthProvider: user?.value("auth-provider") != nil,
                hasBasicAuth: user?.value("username") != nil || user?.value("password") != nil)
        }
        for entry in try root.objects("contexts") {
            let name = try entry.requiredString("name")
            let context = try entry.requiredObject("context")
            config.contexts[name] = Context(cluster: try context.requiredString("cluster"),
                                            user: try context.nonEmptyString("user") ?? "",
                                            namespace: try context.nonEmptyString("namespace"))
        }
        return config
    }
}
