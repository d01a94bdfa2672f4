@testable import KubernetesJSON
import Testing
import VPAModel

/// Issue 16, finding 6: a 377-byte document of aliases of aliases took `ingest` to 8 GB and SIGABRT.
@Suite("YAML aliases are expanded within limits")
struct YAMLAliasTests {
    /// `a: &a [x, …]` then `levels` more lines, each an anchored list of `width` aliases of the line
    /// before: the last one expands to `width`^(levels + 1) scalars.
    static func laughs(levels: Int, width: Int) -> String {
        let names = (0...levels).map { "l\($0)" }
        var lines = ["\(names[0]): &\(names[0]) [" + Array(repeating: "\"x\"", count: width).joined(separator: ",") + "]"]
        for level in 1...levels {
            lines.append("\(names[level]): &\(names[level]) [" + Array(repeating: "*\(names[level - 1])", count: width).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func decodeError(_ text: String) -> KubernetesInputError? {
        do {
            _ = try KubernetesInput.decode(Array(text.utf8), file: "laughs.yaml")
            return nil
        } catch {
            return error
        }
    }

    private func values(_ text: String) throws(YAMLSyntaxError) -> [JSONValue] {
        var reader = YAMLReader(bytes: Array(text.utf8))
        var values: [JSONValue] = []
        while let next = try reader.nextDocument() { values.append(next.value) }
        return values
    }

    @Test("nested aliases that expand to a million nodes are refused with the file, document and line")
    func billionLaughsIsRefused() throws {
        // Six levels of ten: 10^6 scalars. Without the limit this converts (about 100 MB) and passes.
        // The report's nine levels of nine (10^8 nodes and more) are run by the CLI test, in a child
        // process under a memory limit: a regression here would take this test process's memory.
        let text = Self.laughs(levels: 5, width: 10)
        let error = try #require(decodeError(text))
        #expect(error.document == 1)
        #expect(error.line == 5)  // `l4`, the first line whose expansion passes 100,000 nodes
        #expect(error.description.hasPrefix("laughs.yaml: document 1, line 5: YAML aliases expand to more than 100000 nodes; "))
    }

    @Test("aliases may add exactly the node limit, not one more")
    func limitIsInclusive() throws {
        // `a` is 1,000 nodes (a list of 999 scalars); 100 aliases of it add 100,000.
        let list = "a: &a [" + Array(repeating: "x", count: 999).joined(separator: ",") + "]\ns: &s y\n"
        let exactly = list + "b: [" + Array(repeating: "*a", count: 100).joined(separator: ",") + "]\n"
        #expect(try values(exactly).count == 1)
        let oneMore = exactly + "c: *s\n"
        #expect {
            _ = try values(oneMore)
        } throws: { error in
            (error as? YAMLSyntaxError)?.message.contains("more than 100000 nodes") == true
                && (error as? YAMLSyntaxError)?.line == 4
        }
    }

    @Test("a few aliases of a long string are refused past 16 MiB of text")
    func textLimit() throws {
        // Few nodes, much text: 17 aliases of a 1 MiB scalar.
        let text = "a: &a \"" + String(repeating: "x", count: 1 << 20) + "\"\nb: ["
            + Array(repeating: "*a", count: 17).joined(separator: ",") + "]\n"
        let error = try #require(decodeError(text))
        #expect(error.line == 2)
        #expect(error.message.contains("YAML aliases expand to more than 16777216 bytes of text"))
    }

    @Test("a pod that shares its resources through an alias still decodes")
    func aFewAliasesStillWork() throws {
        let text = """
            kind: Pod
            metadata: {name: web-0, namespace: shop, uid: u-1}
            spec:
              containers:
              - name: app
                resources: &resources
                  requests: {cpu: 250m, memory: 256Mi}
              - name: sidecar
                resources: *resources
            """
        let objects = try KubernetesInput.decode(Array(text.utf8), file: "pod.yaml")
        guard case .pod(let pod)? = objects.first else {
            Issue.record("no pod: \(objects)"); return
        }
        #expect(pod.containers.map(\.name) == ["app", "sidecar"])
        #expect(pod.containers[0].desired == pod.containers[1].desired)
    }

    @Test("an alias of an anchor in an earlier document is counted too")
    func aliasesAcrossDocuments() throws {
        // Four levels of ten in the first document (about 11,000 nodes added), then ten aliases of
        // the top in the second: 111,110 more.
        let text = Self.laughs(levels: 3, width: 10) + "---\nmore: [" + Array(repeating: "*l3", count: 10).joined(separator: ",") + "]\n"
        do {
            let documents = try values(text)
            Issue.record("decoded \(documents.count) documents")
        } catch {
            #expect(error.message.contains("more than 100000 nodes"))
        }
    }
}
