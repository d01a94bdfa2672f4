import Foundation

/// A database path in a fresh temporary directory, removed when the value is released.
final class TemporaryDatabase {
    let directory: URL
    let path: String

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("store.db").path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
