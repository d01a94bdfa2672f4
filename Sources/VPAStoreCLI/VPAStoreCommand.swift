import ArgumentParser
import VPAModel

/// `vpa-store`: the durable memory of the Vertical Pod Autoscaler.
public struct VPAStoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "vpa-store",
        abstract: "Record pod observations, resizes and OOM kills in an append-only log, and audit them.",
        version: VPAStoreVersion.current,
        subcommands: [ServeCommand.self, IngestCommand.self, QueryCommand.self, ReplayCommand.self, VerifyCommand.self, BackupCommand.self, RestoreCommand.self, BenchCommand.self, SimulateCommand.self, FeedCommand.self, DemoCommand.self, ReportCommand.self, SQLCommand.self,
                      MigrateCommand.self, CompactCommand.self, VersionCommand.self])

    public init() {}

    /// Parses the process arguments and runs the chosen subcommand, exiting with its status.
    public static func runFromCommandLine() async {
        await main()
    }
}
