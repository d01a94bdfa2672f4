/// What a container actually has, and where that answer came from (DESIGN §3.1).
public struct ActualResources: Hashable, Sendable {
    public var resources: ResourceRequirements
    public var source: ResourceSource

    public init(resources: ResourceRequirements, source: ResourceSource) {
        self.resources = resources
        self.source = source
    }
}

extension InPlaceMode {
    /// Whether status resources are read, given whether any container status has carried them yet.
    /// `auto` reads them once they have been seen (DESIGN §3.1).
    public func readsStatus(detected: Bool) -> Bool {
        switch self {
        case .enabled: true
        case .disabled: false
        case .auto: detected
        }
    }
}

extension ContainerObservation {
    /// The container's actual requests and limits, as upstream `ContainerRequestsAndLimits`
    /// (pkg/utils/resources/resourcehelpers.go) computes them.
    ///
    /// With status reads on, a status entry with `resources` wins as one whole block: requests *and*
    /// limits come from it, never merged per resource with the spec (an unset limit in status stays
    /// unset). Without one, the spec (`spec_fallback`). With status reads off, always the spec.
    public func actualResources(readsStatus: Bool) -> ActualResources {
        guard readsStatus else { return ActualResources(resources: desired, source: .spec) }
        if let enacted = status?.resources {
            return ActualResources(resources: enacted, source: .status)
        }
        return ActualResources(resources: desired, source: .specFallback)
    }
}

extension PodObservation {
    /// True when any container status carries `resources`: the signal that turns `auto` on.
    public var reportsStatusResources: Bool {
        containers.contains { $0.status?.resources != nil }
    }

    /// The desired resources of every container, in order: two observations with different values
    /// here are two different resizes.
    public var desiredResources: [DesiredContainerResources] {
        containers.map { DesiredContainerResources(name: $0.name, type: $0.type, resources: $0.desired) }
    }
}

/// The desired resources of one container, compared across observations to spot a new resize.
public struct DesiredContainerResources: Hashable, Sendable {
    public var name: String
    public var type: ContainerType
    public var resources: ResourceRequirements
}
