import Foundation

/// Runs blocking work (waiting on a child process or its pipes, or a long synchronous store
/// operation) on a thread of its own. Swift's cooperative pool has as many threads as cores (2
/// here), and the serialized process tests hold one of them: blocking work on the other starves
/// every async test beside it, whose servers then miss their handshake deadlines (seen as 43
/// "did not answer the hello within 5 s" failures in one run of the whole suite).
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
