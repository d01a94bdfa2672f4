import ArgumentParser

/// `vpa-store query`: audits of the history. Opens the database read-only.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Audit what the store recorded. Read-only: safe next to a running writer.",
        subcommands: [QueryResourcesCommand.self, QueryEventsCommand.self, QueryResizesCommand.self, QueryVPAsCommand.self,
                      QueryOOMsCommand.self, QueryTimelineCommand.self])
}
