/// The clock of a simulated cluster that runs faster than real time: simulated time
/// `simulatedStart + (wall - wallStart) × speed`.
///
/// `vpa-store simulate --api-listen` runs its model on this clock and writes it into the
/// kubeconfig it hands out (a cluster extension named `extensionName`), so that a feed reading that
/// kubeconfig stamps `observed_at` in the same simulated time the pods' own timestamps use. A real
/// cluster's kubeconfig has no such extension, and the feed uses the machine's clock.
public struct SimulatedClock: Hashable, Sendable {
    /// The kubeconfig cluster extension that carries the clock.
    public static let extensionName = "vpa-store.io/simulated-clock"

    /// Simulated time at `wallStart`.
    public var simulatedStart: Timestamp
    /// The wall-clock time the simulation started.
    public var wallStart: Timestamp
    /// Simulated milliseconds per real millisecond.
    public var speed: Double

    /// A clock.
    public init(simulatedStart: Timestamp, wallStart: Timestamp, speed: Double) {
        self.simulatedStart = simulatedStart
        self.wallStart = wallStart
        self.speed = speed
    }

    /// Simulated time at wall-clock time `wall`.
    public func simulatedTime(atWall wall: Timestamp) -> Timestamp {
        let elapsed = Double(wall.milliseconds(since: wallStart)) * speed
        let clamped = Int64(max(min(elapsed, 1e15), -1e15))
        return simulatedStart.advanced(byMilliseconds: clamped)
    }

    /// Simulated time now.
    public var now: Timestamp { simulatedTime(atWall: .now) }

    /// The extension's members as the kubeconfig writes them.
    public var extensionMembers: [(key: String, value: String)] {
        [("simulatedStart", simulatedStart.rfc3339), ("wallStart", wallStart.rfc3339), ("speed", "\(speed)")]
    }

    /// The clock from the extension's members; nil when one is missing or does not parse.
    public init?(extensionMembers members: [String: String]) {
        guard let start = members["simulatedStart"], let wall = members["wallStart"],
              let speedText = members["speed"], let speed = Double(speedText), speed > 0, speed.isFinite,
              let simulatedStart = try? Timestamp(rfc3339: start), let wallStart = try? Timestamp(rfc3339: wall)
        else { return nil }
        self.init(simulatedStart: simulatedStart, wallStart: wallStart, speed: speed)
    }
}
