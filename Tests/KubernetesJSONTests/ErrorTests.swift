import Foundation
import KubernetesJSON
import Testing
import VPAModel

@Suite("Errors name the file, document, line and field")
struct ErrorTests {
    @Test("a bad quantity deep inside item 3 of a list")
    func badQuantityInListItem() throws {
        let text = String(decoding: try fixture("podlist.json"), as: UTF8.self)
        let range = try #require(text.range(of: #""memory": "96Mi""#))
        let badLine = text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        let broken = text.replacingCharacters(in: range, with: #""memory": "12x""#)
        let error = try #require(decodeError(broken, file: "pods.json"))
        #expect(error.file == "pods.json")
        #expect(error.document == 1)
        #expect(error.line == badLine)  // the line of the bad field, not of the list's start
        #expect(error.fieldPath == "items[3].spec.containers[0].resources.requests.memory")
        #expect(error.message.hasPrefix(#"invalid quantity "12x": "#))
        #expect(error.description.hasPrefix(
            #"pods.json: document 1, line \#(badLine): items[3].spec.containers[0].resources.requests.memory: invalid quantity "12x": "#))
    }

    /// Issue 16, finding 8: a name holding NUL was stored cut at the NUL ("a"), so two pods could collide.
    @Test("a NUL character in a name is refused, naming the field")
    func nulInAName() throws {
        let error = try #require(decodeError(#"{"kind": "Pod", "metadata": {"name": "a\u0000b", "namespace": "shop"}, "spec": {"containers": []}}"#))
        #expect(error.fieldPath == "metadata.name")
        #expect(error.message.contains("NUL"))
    }

    @Test("a negative quantity, and the first bad entry in document order")
    func negativeQuantity() throws {
        let error = try #require(decodeError("""
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: app
                resources:
                  limits: {memory: -1Gi, cpu: 1x}
            """))
        #expect(error.fieldPath == "spec.containers[0].resources.limits.memory")
        #expect(error.message.contains("negative"))
        #expect(!error.message.hasPrefix("memory:"))
    }

    @Test("a resource name with dots is quoted in the path")
    func dottedResourceName() throws {
        let error = try #require(decodeError("""
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: app
                resources:
                  limits: {nvidia.com/gpu: lots}
            """))
        #expect(error.fieldPath == #"spec.containers[0].resources.limits["nvidia.com/gpu"]"#)
    }

    @Test("a missing metadata.name")
    func missingName() throws {
        let error = try #require(decodeError("""
            apiVersion: v1
            kind: Pod
            metadata:
              namespace: shop
            """, file: "pod.yaml"))
        #expect(error.fieldPath == "metadata.name")
        #expect(error.message == "missing required field")
        #expect(error.line == 3)  // the nearest present ancestor: `metadata:`
        #expect(error.description == "pod.yaml: document 1, line 3: metadata.name: missing required field")

        let noMetadata = try #require(decodeError(#"{"kind":"Pod"}"#, file: "p.json"))
        #expect(noMetadata.fieldPath == "metadata.name")

        let noContainerName = try #require(decodeError(#"{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"x"}]}}"#, file: "p.json"))
        #expect(noContainerName.fieldPath == "spec.containers[0].name")
    }

    @Test("field errors point at the field's line, in JSON streams and YAML alike")
    func fieldLines() throws {
        let stream = """
            {"kind": "Pod", "metadata": {"name": "a"}}
            {
                "type": "MODIFIED",
                "object": {
                    "kind": "Pod",
                    "metadata": {"name": "b", "namespace": "shop"},
                    "spec": {
                        "containers": [
                            {"name": "ok"},
                            {
                                "name": "bad",
                                "resources": {"limits": {"cpu": "1", "memory": "lots"}}
                            }
                        ]
                    }
                }
            }
            """
        let error = try #require(decodeError(stream, file: "watch.json"))
        #expect(error.document == 2)
        #expect(error.line == 12)
        #expect(error.fieldPath == "object.spec.containers[1].resources.limits.memory")

        // A repeated key: the decoders read the last one, and so does the line search.
        let repeated = try #require(decodeError("{\"kind\": \"Pod\",\n\"metadata\": {\"name\": 1},\n\"metadata\": {\"name\": 2}}", file: "r.json"))
        #expect(repeated.line == 3)

        // A document that is not an object: the line where it starts.
        let notObject = try #require(decodeError("kind: Pod\nmetadata: {name: a}\n---\n\n- 1\n- 2\n"))
        #expect(notObject.document == 2)
        #expect(notObject.line == 5)

        let missingItemKind = try #require(decodeError("kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- metadata: {name: b}\n"))
        #expect(missingItemKind.fieldPath == "items[1].kind")
        #expect(missingItemKind.line == 5)
    }

    @Test("a JSON syntax error names its line and has no field path")
    func jsonSyntaxError() throws {
        let text = """
            {
                "kind": "Pod",
                "metadata": {
                    "name": "p"
                    "namespace": "shop"
                }
            }
            """
        let error = try #require(decodeError(text, file: "pod.json"))
        #expect(error.document == 1)
        #expect(error.line == 5)
        #expect(error.fieldPath == "")
        #expect(error.message.hasPrefix("invalid JSON: "))
        #expect(error.description.hasPrefix("pod.json: document 1, line 5: invalid JSON: "))
    }

    @Test("a syntax error in the third value of a JSON stream")
    func jsonStreamSyntaxError() throws {
        let stream = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}\n{\"kind\":\"Pod\",\n\"metadata\":{\"name\" \"c\"}}\n"
        let error = try #require(decodeError(stream, file: "watch.json"))
        #expect(error.document == 3)
        #expect(error.line == 4)
    }

    @Test("a bad timestamp")
    func badTimestamp() throws {
        let error = try #require(decodeError("""
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: app}]
            status:
              containerStatuses:
              - name: app
                state:
                  running:
                    startedAt: "2026-02-30T10:00:00Z"
            """))
        #expect(error.fieldPath == "status.containerStatuses[0].state.running.startedAt")
        #expect(error.message.contains("2026-02-30T10:00:00Z"))
    }

    @Test("a bad document in the middle of a multi-document YAML names document 2 and its line")
    func badMiddleDocument() throws {
        let yaml = """
            kind: Pod
            metadata: {name: a}
            ---
            kind: Pod
            metadata: {name: b}
            spec:
              containers:
              - name: app
                resources: {requests: {memory: 12x}}
            ---
            kind: Pod
            metadata: {name: c}
            """
        let error = try #require(decodeError(yaml, file: "pods.yaml"))
        #expect(error.document == 2)
        #expect(error.line == 9)
        #expect(error.fieldPath == "spec.containers[0].resources.requests.memory")
        #expect(error.description.hasPrefix("pods.yaml: document 2, line 9: spec.containers[0].resources.requests.memory: invalid quantity"))
    }

    @Test("a YAML syntax error names its document and line")
    func yamlSyntaxError() throws {
        let error = try #require(decodeError("kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: [b}\n"))
        #expect(error.document == 2)
        #expect(error.line == 5)
        #expect(error.fieldPath == "")
        #expect(error.message.hasPrefix("invalid YAML"))
    }

    @Test("wrong types are named")
    func wrongTypes() throws {
        let cases: [(String, String, String)] = [
            (#"{"kind":"Pod","metadata":{"name":7}}"#, "metadata.name", "expected a string, found a number"),
            (#"{"kind":"Pod","metadata":"x"}"#, "metadata", "expected an object, found a string"),
            (#"{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":{}}}"#, "spec.containers", "expected an array, found an object"),
            (#"{"kind":"Pod","metadata":{"name":"p","generation":"2"}}"#, "metadata.generation", "expected an integer, found a string"),
            (#"{"kind":"Pod","metadata":{"name":"p","generation":2.5}}"#, "metadata.generation", "expected an integer, found 2.5 (not a whole number)"),
            (#"{"kind":"Pod","metadata":{"name":"p"},"status":{"containerStatuses":[{"name":"c","restartCount":3000000000}]},"spec":{"containers":[{"name":"c"}]}}"#,
             "status.containerStatuses[0].restartCount", "expected an integer, found 3000000000 (out of range for a 32-bit integer)"),
            (#"{"kind":"Pod","metadata":{"name":"p","ownerReferences":[{"controller":"yes"}]}}"#, "metadata.ownerReferences[0].controller", "expected a bool, found a string"),
            (#"{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":true}}}]}}"#,
             "spec.containers[0].resources.requests.cpu", "expected a quantity (a string or a number), found a bool"),
        ]
        for (text, path, message) in cases {
            let error = try #require(decodeError(text, file: "t.json"))
            #expect(error.fieldPath == path, "\(text)")
            #expect(error.message == message, "\(text)")
        }
    }

    @Test("documents that are not objects, or have neither kind nor type and object")
    func notKubernetesObjects() throws {
        let array = try #require(decodeError("[1, 2]", file: "a.json"))
        #expect(array.fieldPath == "")
        #expect(array.message.hasPrefix("expected an object"))
        let scalar = try #require(decodeError("just some words\n"))
        #expect(scalar.message.hasPrefix("expected an object"))
        let noKind = try #require(decodeError("metadata: {name: a}\n"))
        #expect(noKind.fieldPath == "kind")
        let typeOnly = try #require(decodeError(#"{"type": "ADDED"}"#, file: "w.json"))
        #expect(typeOnly.fieldPath == "kind")
    }

    @Test("all or nothing: a later bad document throws even though earlier ones were fine")
    func allOrNothing() throws {
        let stream = #"{"kind":"Pod","metadata":{"name":"a"}} {"kind":"Pod","metadata":{}}"#
        let error = try #require(decodeError(stream, file: "s.json"))
        #expect(error.document == 2)
    }
}
