import ArgumentParser
import StoreAPI
import StoreWire
import VPAModel

/// `vpa-store version`: this program's version, and with --server the server's.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print this program's version; with --server, the server's too.")

    @OptionGroup var server: ServerOptions

    func run() async throws {
        print("vpa-store \(VPAStoreVersion.current)")
        guard let source = try QuerySource.connect(server) else { return }
        let info = try await source.serverInfo()
        await source.close()
        print("server \(info.serverVersion) (protocol \(info.protocolVersion), store \(info.storeID)) at \(server.server.map { "\($0)" } ?? "")")
    }
}
