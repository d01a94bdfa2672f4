/// The resources a test may write directly with `SimulatedAPIServer.putObject`.
public enum SimulatedResource: Hashable, Sendable {
    /// autoscaling.k8s.io/v1 VerticalPodAutoscalers.
    case verticalPodAutoscalers
    /// core/v1 Events.
    case events
    /// core/v1 LimitRanges.
    case limitRanges
    /// coordination.k8s.io/v1 Leases.
    case leases

    var type: ResourceType {
        switch self {
        case .verticalPodAutoscalers: .verticalPodAutoscalers
        case .events: .events
        case .limitRanges: .limitRanges
        case .leases: .leases
        }
    }
}

/// Why the simulated API server refused an object written directly.
public struct SimulatedAPIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The API server's message.
    public var message: String
    /// The message.
    public var description: String { message }
}
