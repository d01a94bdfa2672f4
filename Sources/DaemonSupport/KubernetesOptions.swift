import ArgumentParser
import KubernetesAPI

/// `--kubeconfig` and `--context`: where the Kubernetes API is, resolved as kubectl does (the flag,
/// else `$KUBECONFIG`, else `~/.kube/config`, else the pod's service account).
public struct KubernetesOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The kubeconfig for the Kubernetes API (default: $KUBECONFIG, else ~/.kube/config, else in-cluster).",
        valueName: "file"))
    public var kubeconfig: String?

    @Option(name: .long, help: ArgumentHelp("The kubeconfig context (default: the current one).", valueName: "name"))
    public var context: String?

    public init() {}

    /// A client of the configured cluster; call `shutdown()` on it when done.
    ///
    /// - Throws: `ClusterConnectionError` saying what was tried and what is wrong.
    public func client() throws(ClusterConnectionError) -> KubernetesClient {
        try KubernetesClient(connection: ClusterConnection.resolve(kubeconfig: kubeconfig, context: context))
    }

    /// `--kubeconfig F --context C`, as given, for a kubectl run with the same configuration.
    public var kubectlArguments: [String] {
        (kubeconfig.map { ["--kubeconfig", $0] } ?? []) + (context.map { ["--context", $0] } ?? [])
    }
}
