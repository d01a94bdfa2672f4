import Logging
import ServiceLifecycle
import UnixSignals

/// A daemon's loop as a swift-service-lifecycle `Service`, run in a `ServiceGroup` as `serve` runs
/// its server: the group turns SIGTERM and SIGINT into a graceful shutdown, which cancels the loop
/// (a pass in progress is cut short; the next start resumes the work), and the daemon then closes
/// its connection and, with `--leader-elect`, releases its lease.
struct LoopService: Service {
    let loop: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await loop() }
    }

    /// Runs `loop` until it returns or the process is told to stop (SIGTERM, SIGINT).
    static func runUntilSignalled(logger: Logger, _ loop: @escaping @Sendable () async -> Void) async throws {
        let service = ServiceGroupConfiguration.ServiceConfiguration(service: LoopService(loop: loop),
                                                                     successTerminationBehavior: .gracefullyShutdownGroup)
        var configuration = ServiceGroupConfiguration(services: [service], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger)
        configuration.logging.keys = .init()
        try await ServiceGroup(configuration: configuration).run()
    }
}
