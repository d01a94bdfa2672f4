import SimulatedClusterSupport
import Testing
import UpdaterRunner
import VPAModel

/// The kubectl command lines, as pure functions (no cluster here).
@Suite struct KubectlActuatorTests {
    static func pod(_ containers: [ContainerObservation]) -> PodObservation {
        PodObservation(uid: "uid-web-0", namespace: "shop", name: "web-0", phase: "Running", containers: containers)
    }

    static let full = ResourceRequirements(requests: ResourceList(cpuMillicores: 250, memoryBytes: 256 * mebibyte),
                                           limits: ResourceList(cpuMillicores: 500, memoryBytes: 512 * mebibyte))

    @Test func resizePatchesEveryTargetValue() throws {
        let pod = Self.pod([ContainerObservation(name: "app", desired: Self.full),
                            ContainerObservation(name: "log", desired: Self.full)])
        let target = ResizeRequest.Target(container: "log", resources: ResourceRequirements(
            requests: ResourceList(cpuMillicores: 300, memoryBytes: 300 * mebibyte),
            limits: ResourceList(cpuMillicores: 600, memoryBytes: 600 * mebibyte)))
        let command = try KubectlActuator().resizeCommand(pod, targets: [target])
        let patch = """
            [{"op":"add","path":"/spec/containers/1/resources/requests/cpu","value":"300m"},\
            {"op":"add","path":"/spec/containers/1/resources/requests/memory","value":"314572800"},\
            {"op":"add","path":"/spec/containers/1/resources/limits/cpu","value":"600m"},\
            {"op":"add","path":"/spec/containers/1/resources/limits/memory","value":"629145600"}]
            """
        #expect(command == ["kubectl", "patch", "pod", "web-0", "-n", "shop", "--subresource", "resize",
                            "--type", "json", "-p", patch])
    }

    /// Upstream adds an empty `resources`, then empty `requests`/`limits`, where the spec has none.
    @Test func resizeInitializesMissingResources() throws {
        let pod = Self.pod([ContainerObservation(name: "app")])
        let target = ResizeRequest.Target(container: "app", resources: ResourceRequirements(
            requests: ResourceList(cpuMillicores: 100, memoryBytes: 128 * mebibyte)))
        let patch = try KubectlActuator.resizePatch(for: pod, targets: [target])
        #expect(patch == """
            [{"op":"add","path":"/spec/containers/0/resources","value":{}},\
            {"op":"add","path":"/spec/containers/0/resources/requests","value":{}},\
            {"op":"add","path":"/spec/containers/0/resources/requests/cpu","value":"100m"},\
            {"op":"add","path":"/spec/containers/0/resources/requests/memory","value":"134217728"}]
            """)
    }

    /// A sidecar (init container) is addressed among the init containers; only set values are patched.
    @Test func resizeSidecarAndPartialTarget() throws {
        let pod = Self.pod([ContainerObservation(name: "app", desired: Self.full),
                            ContainerObservation(name: "setup", type: .`init`, desired: Self.full),
                            ContainerObservation(name: "proxy", type: .`init`,
                                                 desired: ResourceRequirements(requests: ResourceList(cpuMillicores: 50)))])
        let target = ResizeRequest.Target(container: "proxy", type: .`init`, resources: ResourceRequirements(
            requests: ResourceList(memoryBytes: 64 * mebibyte), limits: ResourceList(memoryBytes: 128 * mebibyte)))
        let patch = try KubectlActuator.resizePatch(for: pod, targets: [target])
        #expect(patch == """
            [{"op":"add","path":"/spec/initContainers/1/resources/requests/memory","value":"67108864"},\
            {"op":"add","path":"/spec/initContainers/1/resources/limits","value":{}},\
            {"op":"add","path":"/spec/initContainers/1/resources/limits/memory","value":"134217728"}]
            """)
    }

    @Test func resizeOfUnknownContainerOrNothingFails() {
        let pod = Self.pod([ContainerObservation(name: "app", desired: Self.full)])
        #expect(throws: ActuationError.containerNotFound(pod: "shop/web-0", container: "nope")) {
            try KubectlActuator.resizePatch(for: pod, targets: [ResizeRequest.Target(container: "nope", resources: Self.full)])
        }
        #expect(throws: ActuationError.emptyPatch(pod: "shop/web-0")) {
            try KubectlActuator.resizePatch(for: pod, targets: [ResizeRequest.Target(container: "app",
                                                                                      resources: ResourceRequirements())])
        }
    }

    @Test func evictDeletesWithoutWaiting() {
        let pod = Self.pod([])
        #expect(KubectlActuator().evictCommand(pod) == ["kubectl", "delete", "pod", "web-0", "-n", "shop", "--wait=false"])
        #expect(KubectlActuator(executable: "/usr/local/bin/kubectl", globalArguments: ["--context", "prod"]).evictCommand(pod)
                == ["/usr/local/bin/kubectl", "--context", "prod", "delete", "pod", "web-0", "-n", "shop", "--wait=false"])
    }

    @Test func failureIsASentence() {
        let error = ActuationError.commandFailed(command: "kubectl patch pod web-0 -n shop …", status: 1,
                                                 output: "Error from server (NotFound): pods \"web-0\" not found\n")
        #expect(error.description == "kubectl patch pod web-0 -n shop … exited with status 1: "
                + "Error from server (NotFound): pods \"web-0\" not found")
    }

    @Test(arguments: [("5m", Duration.seconds(300)), ("1h", .seconds(3600)), ("90s", .seconds(90))])
    func durations(text: String, expected: Duration) throws {
        #expect(try DurationParser.parse(text) == expected)
    }
}
