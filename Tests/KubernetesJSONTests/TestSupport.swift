import Foundation
import KubernetesJSON
import Testing
import VPAModel

let mebibyte: Int64 = 1 << 20
let gibibyte: Int64 = 1 << 30

/// The bytes of a file in Fixtures/.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
                           "missing fixture \(name)")
    return Array(try Data(contentsOf: url))
}

/// Decodes a fixture file.
func decodeFixture(_ name: String) throws -> [KubernetesObject] {
    try KubernetesInput.decode(fixture(name), file: name)
}

/// Decodes inline text.
func decode(_ text: String, file: String = "test.yaml") throws(KubernetesInputError) -> [KubernetesObject] {
    try KubernetesInput.decode(Array(text.utf8), file: file)
}

/// The error decoding `text` throws, or a test failure when it decodes.
func decodeError(_ text: String, file: String = "test.yaml",
                 sourceLocation: SourceLocation = #_sourceLocation) -> KubernetesInputError? {
    do {
        let objects = try decode(text, file: file)
        Issue.record("expected an error, decoded \(objects)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The pods among decoded objects (`.pod` only).
func pods(_ objects: [KubernetesObject]) -> [PodObservation] {
    objects.compactMap { if case .pod(let pod) = $0 { pod } else { nil } }
}

/// The one pod a document decodes to.
func singlePod(_ objects: [KubernetesObject], sourceLocation: SourceLocation = #_sourceLocation) throws -> PodObservation {
    try #require(objects.count == 1, "expected one object, got \(objects)", sourceLocation: sourceLocation)
    guard case .pod(let pod) = objects[0] else {
        Issue.record("expected a pod, got \(objects[0])", sourceLocation: sourceLocation)
        throw CancellationError()
    }
    return pod
}

func timestamp(_ text: String) throws -> Timestamp {
    try Timestamp(rfc3339: text)
}

/// The repository's examples/ folder, found from this file's path so the test reads the shipped files.
func examplesDirectory(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath)
        .deletingLastPathComponent()  // KubernetesJSONTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("examples")
}
