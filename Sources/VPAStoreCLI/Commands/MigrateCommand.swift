import ArgumentParser
import EventStore

/// `vpa-store migrate`: create the database or bring its schema up to date.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the database, or apply the schema migrations this binary carries that it lacks.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let result = try EventStore.migrate(path: database.path)
        if result.applied.isEmpty {
            print("\(database.path): schema at version \(result.version), nothing to do")
        } else {
            print("\(database.path): applied migration(s) \(result.applied.map(String.init).joined(separator: ", ")); schema at version \(result.version)")
        }
    }
}
