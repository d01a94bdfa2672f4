import Dispatch
import Foundation
import VPAModel

/// Carries out the updater's resizes and evictions in a cluster. Without one (`--actuate none`)
/// the updater only records its decisions, and a simulator or a person applies them.
public protocol PodActuator: Sendable {
    /// Asks the kubelet to resize `pod`'s containers to `targets` (the pod's `resize` subresource).
    func resize(_ pod: PodObservation, targets: [ResizeRequest.Target]) async throws
    /// Evicts `pod`, so that its controller recreates it with the recommendation.
    func evict(_ pod: PodObservation) async throws
}

/// Why an actuation failed.
public enum ActuationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A resize target names a container the pod does not have.
    case containerNotFound(pod: String, container: String)
    /// No target sets any request or limit, so there is nothing to patch (upstream: "no resource
    /// patches were calculated to apply").
    case emptyPatch(pod: String)
    /// The command could not be started.
    case launchFailed(command: String, reason: String)
    /// The command exited with a non-zero status.
    case commandFailed(command: String, status: Int32, output: String)
    /// The pod no longer exists (the API answered 404): nothing to do, not a failure.
    case podGone(pod: String)
    /// The API server refused the eviction with 429 TooManyRequests: a PodDisruptionBudget allows
    /// no disruption now. The updater records a wait and tries again next loop.
    case evictionRefused(pod: String, message: String)
    /// The API server refused the request; `message` is its answer.
    case apiFailed(operation: String, pod: String, message: String)

    public var description: String {
        switch self {
        case .containerNotFound(let pod, let container):
            "pod \(pod) has no container \(container) to resize; the pod changed since the store observed it"
        case .emptyPatch(let pod):
            "no resource patches were calculated to apply to pod \(pod)"
        case .launchFailed(let command, let reason):
            "could not run \(command): \(reason); check that kubectl is installed and on PATH (or pass --kubectl)"
        case .commandFailed(let command, let status, let output):
            "\(command) exited with status \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .podGone(let pod):
            "pod \(pod) no longer exists"
        case .evictionRefused(let pod, let message):
            "the eviction of pod \(pod) was refused (429): a PodDisruptionBudget allows no disruption now (\(message))"
        case .apiFailed(let operation, let pod, let message):
            "the \(operation) of pod \(pod) failed: \(message)"
        }
    }
}

/// Resizes and evicts with `kubectl`: `kubectl patch pod NAME -n NS --subresource resize --type json
/// -p '[…]'` with upstream's JSON patch (UPSTREAM-VPA.md §3.4), and `kubectl delete pod NAME -n NS
/// --wait=false`. Needs kubectl ≥ 1.32 (for `--subresource resize`) and RBAC `patch` on
/// `pods/resize` and `delete` on `pods`.
///
/// A deletion, unlike upstream's Eviction API, does not consult PodDisruptionBudgets; the updater's
/// own replica budget still applies.
public struct KubectlActuator: PodActuator {
    /// The kubectl to run, looked up on PATH unless it is a path.
    public var executable: String
    /// Arguments put before each command's own, such as `--context prod`.
    public var globalArguments: [String]

    public init(executable: String = "kubectl", globalArguments: [String] = []) {
        self.executable = executable
        self.globalArguments = globalArguments
    }

    /// The command line (executable first) that resizes `pod`'s containers to `targets`.
    public func resizeCommand(_ pod: PodObservation, targets: [ResizeRequest.Target]) throws(ActuationError) -> [String] {
        [executable] + globalArguments + ["patch", "pod", pod.name, "-n", pod.namespace, "--subresource", "resize",
                                          "--type", "json", "-p", try Self.resizePatch(for: pod, targets: targets)]
    }

    /// The command line (executable first) that deletes `pod` without waiting for it to terminate.
    public func evictCommand(_ pod: PodObservation) -> [String] {
        [executable] + globalArguments + ["delete", "pod", pod.name, "-n", pod.namespace, "--wait=false"]
    }

    /// Upstream's RFC 6902 JSON patch of the `resize` subresource (pkg/admission-controller/resource/
    /// pod/patch: `GetPatchInitializingEmptyResources`, `…EmptyResourcesSubfield`,
    /// `GetAddResourceRequirementValuePatch`): for each target's container (by its index among the
    /// pod's app or init containers), `add` an empty `resources` when the spec has neither requests
    /// nor limits, an empty `requests` or `limits` when the spec has none and the target sets some,
    /// then each set value. CPU is written in millicores (`250m`), memory in bytes (`268435456`);
    /// the API server reads both as quantities.
    ///
    /// - Throws: `ActuationError.containerNotFound` for a target the pod does not have,
    ///   `.emptyPatch` when no target sets anything.
    public static func resizePatch(for pod: PodObservation, targets: [ResizeRequest.Target]) throws(ActuationError) -> String {
        var operations: [String] = []
        func add(_ path: String, _ value: String) {
            operations.append("{\"op\":\"add\",\"path\":\"\(path)\",\"value\":\(value)}")
        }
        for target in targets {
            let siblings = pod.containers.filter { $0.type == target.type }
            guard let index = siblings.firstIndex(where: { $0.name == target.container }) else {
                throw .containerNotFound(pod: pod.key.description, container: target.container)
            }
            let spec = siblings[index].desired
            let wanted = target.resources
            guard !(wanted.requests.isEmpty && wanted.limits.isEmpty) else { continue }
            let base = "/spec/\(target.type == .`init` ? "initContainers" : "containers")/\(index)/resources"
            if spec.requests.isEmpty && spec.limits.isEmpty { add(base, "{}") }
            for (field, current, values) in [("requests", spec.requests, wanted.requests), ("limits", spec.limits, wanted.limits)]
                where !values.isEmpty {
                if current.isEmpty { add("\(base)/\(field)", "{}") }
                if let cpu = values.cpuMillicores { add("\(base)/\(field)/cpu", "\"\(cpu)m\"") }
                if let memory = values.memoryBytes { add("\(base)/\(field)/memory", "\"\(memory)\"") }
            }
        }
        guard !operations.isEmpty else { throw .emptyPatch(pod: pod.key.description) }
        return "[" + operations.joined(separator: ",") + "]"
    }

    public func resize(_ pod: PodObservation, targets: [ResizeRequest.Target]) async throws {
        try await Self.run(try resizeCommand(pod, targets: targets))
    }

    public func evict(_ pod: PodObservation) async throws {
        try await Self.run(evictCommand(pod))
    }

    /// Runs `command` (looked up on PATH through `/usr/bin/env`) and waits for it, off the
    /// concurrency pool's threads since `Process` blocks.
    static func run(_ command: [String]) async throws(ActuationError) {
        let printable = command.prefix(6).joined(separator: " ") + (command.count > 6 ? " …" : "")
        let result: Result<Void, ActuationError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = command
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: .failure(.launchFailed(command: printable, reason: "\(error)")))
                    return
                }
                // Read before waiting: a command that fills the pipe would otherwise never exit.
                let data = (try? output.fileHandleForReading.readToEnd()) ?? Data()
                process.waitUntilExit()
                if process.terminationStatus == 0 {
                    continuation.resume(returning: .success(()))
                } else {
                    let text = String(decoding: data.prefix(2000), as: UTF8.self)
                    continuation.resume(returning: .failure(.commandFailed(command: printable,
                                                                           status: process.terminationStatus, output: text)))
                }
            }
        }
        try result.get()
    }
}
