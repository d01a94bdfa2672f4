import KubernetesJSON
import Testing
import VPAModel

@Suite("Document shapes")
struct DocumentShapeTests {
    @Test("kind: List holds items of any kind, each decoded by its own kind")
    func list() throws {
        let objects = try decodeFixture("list.yaml")
        try #require(objects.count == 3)
        guard case .pod(let checkout) = objects[0] else { Issue.record("item 0: \(objects[0])"); return }
        #expect(checkout.name == "checkout-6b7f9d-x2k4p")
        #expect(objects[1] == .ignored(kind: "Service", reason: "not a Pod, Event, VerticalPodAutoscaler, PodMetrics, LimitRange or VerticalPodAutoscalerCheckpoint"))
        guard case .pod(let shell) = objects[2] else { Issue.record("item 2: \(objects[2])"); return }
        #expect(shell.name == "debug-shell")
    }

    @Test("items of a PodList or EventList may leave out their kind; items of a List may not")
    func itemKinds() throws {
        let podList = try decode(#"{"kind":"PodList","items":[{"metadata":{"name":"a"}},{"kind":"Pod","metadata":{"name":"b"}}]}"#,
                                 file: "l.json")
        #expect(pods(podList).map(\.name) == ["a", "b"])
        let eventList = try decode(#"{"kind":"EventList","items":[{"reason":"Pulled","metadata":{"name":"e"}}]}"#, file: "e.json")
        #expect(eventList.count == 1)
        if case .ignored(kind: "Event", _)? = eventList.first {} else { Issue.record("\(eventList)") }

        let error = try #require(decodeError(#"{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"#,
                                             file: "l.json"))
        #expect(error.fieldPath == "items[1].kind")
        #expect(error.message == "missing required field")
    }

    @Test("an empty list decodes to nothing")
    func emptyList() throws {
        #expect(try decode(#"{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}"#, file: "e.json").isEmpty)
        #expect(try decode("apiVersion: v1\nitems: null\nkind: PodList\n").isEmpty)
    }

    @Test("a watch stream: ADDED and MODIFIED are pods, DELETED a deleted pod, BOOKMARK ignored")
    func watchStream() throws {
        let objects = try decodeFixture("watch.json")
        try #require(objects.count == 4)
        guard case .pod(let added) = objects[0], case .pod(let modified) = objects[1],
              case .podDeleted(let deleted) = objects[3] else {
            Issue.record("wrong shapes: \(objects)"); return
        }
        #expect(objects[2] == .ignored(kind: "Pod", reason: "watch bookmark"))
        #expect(added.name == "checkout-6b7f9d-x2k4p")
        #expect(added.container(named: "checkout")?.status?.restartCount == 2)
        #expect(modified.container(named: "checkout")?.status?.restartCount == 3)
        #expect(deleted.uid == added.uid)
    }

    @Test("a watch ERROR event is an error carrying the Status message")
    func watchError() throws {
        let stream = """
            {"type": "ADDED", "object": {"kind": "Pod", "metadata": {"name": "a"}}}
            {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "status": "Failure",
              "message": "too old resource version: 123 (456)", "reason": "Expired", "code": 410}}
            """
        let error = try #require(decodeError(stream, file: "watch.json"))
        #expect(error.document == 2)
        #expect(error.line == 2)
        #expect(error.fieldPath == "object")
        #expect(error.message == "watch ERROR event: too old resource version: 123 (456) (Expired, code 410)")
    }

    @Test("kubectl --watch without --output-watch-events: a stream of bare objects")
    func bareObjectStream() throws {
        let stream = "  \n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Running\"}}\n"
        let decoded = pods(try decode(stream, file: "-"))
        #expect(decoded.map(\.phase) == [nil, "Running"])
    }

    @Test("JSON or YAML is chosen by the first non-blank byte")
    func formatDetection() throws {
        // A byte order mark and blank lines before JSON.
        #expect(pods(try KubernetesInput.decode(Array("\u{FEFF}\n\n {\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}".utf8), file: "-")).count == 1)
        // A comment first: YAML, which reads this JSON too (JSON is YAML).
        #expect(pods(try decode("# from kubectl\n{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}\n")).count == 1)
    }

    @Test("an unknown watch event type is an error")
    func unknownWatchType() throws {
        let error = try #require(decodeError(#"{"type":"UPSERTED","object":{"kind":"Pod","metadata":{"name":"a"}}}"#, file: "w.json"))
        #expect(error.fieldPath == "type")
    }

    @Test("watch events about Events and other kinds")
    func watchOtherKinds() throws {
        let stream = """
            {"type":"ADDED","object":{"kind":"Event","reason":"Pulled","metadata":{"name":"e"}}}
            {"type":"DELETED","object":{"kind":"Event","reason":"Evicted","metadata":{"name":"e"}}}
            {"type":"MODIFIED","object":{"kind":"Node","metadata":{"name":"n"}}}
            """
        let objects = try decode(stream, file: "w.json")
        #expect(objects.count == 3)
        #expect(objects[2] == .ignored(kind: "Node", reason: "not a Pod, Event, VerticalPodAutoscaler, PodMetrics, LimitRange or VerticalPodAutoscalerCheckpoint"))
    }

    @Test("an EventList: the memory offenders of an eviction; other events ignored")
    func eventList() throws {
        let objects = try decodeFixture("eventlist.json")
        try #require(objects.count == 3)
        #expect(objects[0] == .eviction(EvictionObservation(
            eventKey: "e0000000-0000-4000-8000-000000000101",
            podNamespace: "shop", podName: "checkout-6b7f9d-x2k4p", podUID: "5a6b7c8d-0000-4000-8000-00000000c001",
            at: try timestamp("2026-10-30T17:12:09Z"),
            offenders: [.init(container: "app", usageBytes: 300 * mebibyte)])))
        guard case .ignored(kind: "Event", let reason) = objects[1] else { Issue.record("\(objects[1])"); return }
        #expect(reason.contains("Scheduled"))
        // Upstream skips an eviction whose annotation lists differ in length.
        guard case .ignored(kind: "Event", let unequal) = objects[2] else { Issue.record("\(objects[2])"); return }
        #expect(unequal.contains("unequal lengths"))
    }

    @Test("eviction rules follow upstream's parseEvictionEvent")
    func evictionRules() throws {
        func event(_ annotations: String, involvedKind: String = "Pod", reason: String = "Evicted",
                   metadataExtra: String = #""uid": "ev-1", "creationTimestamp": "2026-11-02T10:00:00Z""#) -> String {
            """
            {"kind": "Event", "reason": "\(reason)",
             "involvedObject": {"kind": "\(involvedKind)", "name": "p", "uid": "pod-uid"},
             "metadata": {"name": "p.1", "namespace": "ns", \(metadataExtra), "annotations": {\(annotations)}}}
            """
        }
        func outcome(_ text: String) throws -> KubernetesObject {
            let objects = try decode(text, file: "e.json")
            try #require(objects.count == 1)
            return objects[0]
        }
        // Only memory entries; a usage that does not parse is skipped; no trimming.
        let mixed = try outcome(event(#""offending_containers": "a,b,c,d", "offending_containers_usage": "1Gi,12x,5,7", "starved_resource": "memory,memory,cpu,memory ""#))
        guard case .eviction(let eviction) = mixed else { Issue.record("\(mixed)"); return }
        #expect(eviction.offenders == [.init(container: "a", usageBytes: gibibyte)])
        #expect(eviction.podNamespace == "default")  // involvedObject without namespace
        #expect(eviction.podUID == "pod-uid")

        // No memory offender, no annotations, another kind, another reason: ignored.
        for text in [event(#""offending_containers": "a", "offending_containers_usage": "10m", "starved_resource": "cpu""#),
                     event(""),
                     event(#""offending_containers": "a", "offending_containers_usage": "1Gi", "starved_resource": "memory""#, involvedKind: "Node"),
                     event(#""offending_containers": "a", "offending_containers_usage": "1Gi", "starved_resource": "memory""#, reason: "Killing")] {
            guard case .ignored(kind: "Event", _) = try outcome(text) else { Issue.record("not ignored: \(text)"); continue }
        }

        // Without a UID the event is keyed by namespace/name.
        let noUID = try outcome(event(#""offending_containers": "a", "offending_containers_usage": "1Gi", "starved_resource": "memory""#,
                                      metadataExtra: #""creationTimestamp": "2026-11-02T10:00:00Z""#))
        guard case .eviction(let keyed) = noUID else { Issue.record("\(noUID)"); return }
        #expect(keyed.eventKey == "ns/p.1")

        // An eviction needs its creation time.
        let error = try #require(decodeError(event(#""offending_containers": "a", "offending_containers_usage": "1Gi", "starved_resource": "memory""#,
                                                   metadataExtra: #""uid": "u""#), file: "e.json"))
        #expect(error.fieldPath == "metadata.creationTimestamp")
        #expect(error.message == "missing required field")
    }

    @Test("other kinds are ignored with their kind")
    func otherKinds() throws {
        #expect(try decode("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n") ==
                [.ignored(kind: "Deployment", reason: "not a Pod, Event, VerticalPodAutoscaler, PodMetrics, LimitRange or VerticalPodAutoscalerCheckpoint")])
    }

    @Test("decodeCounting counts documents, not empty YAML ones")
    func documentCounts() throws {
        let yaml = "---\nkind: Pod\nmetadata: {name: a}\n---\n---\nkind: PodList\nitems: []\n"
        let decoded = try KubernetesInput.decodeCounting(Array(yaml.utf8), file: "x.yaml")
        #expect(decoded.documents == 2)
        #expect(decoded.objects.count == 1)
        let stream = try KubernetesInput.decodeCounting(try fixture("watch.json"), file: "watch.json")
        #expect(stream.documents == 4)
        #expect(try KubernetesInput.decodeCounting([], file: "-") == DecodedInput(objects: [], documents: 0))
    }

    /// Issue 14, item 4: a quantity beyond 64 bits no longer fails its document; it is capped as the
    /// API server caps it, and the decode says which field of which document it changed.
    @Test("a quantity beyond 64 bits is capped and noted, not refused")
    func saturatedQuantities() throws {
        func yaml(limit: String) -> [UInt8] {
            Array("""
                kind: Pod
                metadata: {name: a, namespace: shop}
                ---
                kind: Pod
                metadata: {name: b, namespace: shop}
                spec:
                  containers:
                    - name: app
                      resources:
                        requests: {cpu: 1Ei, memory: 9Ei}
                        limits: {memory: "\(limit)"}
                """.utf8)
        }
        let decoded = try KubernetesInput.decodeCounting(yaml(limit: "12E"), file: "big.yaml")
        #expect(decoded.objects.count == 2)
        #expect(decoded.notes == [
            #"big.yaml: document 2: spec.containers[0].resources.requests.cpu: "1Ei" is beyond 64 bits; counted as 9223372036854775807 millicores, as the API server caps it"#,
            #"big.yaml: document 2: spec.containers[0].resources.requests.memory: "9Ei" is beyond 64 bits; counted as 9223372036854775807 units, as the API server caps it"#,
            #"big.yaml: document 2: spec.containers[0].resources.limits.memory: "12E" is beyond 64 bits; counted as 9223372036854775807 units, as the API server caps it"#,
        ])
        guard case .pod(let pod)? = decoded.objects.last else { Issue.record("not a pod"); return }
        let resources = try #require(pod.containers.first?.desired)
        #expect(resources.requests == ResourceList(cpuMillicores: .max, memoryBytes: .max))
        #expect(resources.limits.memoryBytes == .max)
        // A real syntax error is still refused, with its precise message.
        let error = try #require(throws: KubernetesInputError.self) {
            try KubernetesInput.decodeCounting(yaml(limit: "12EB"), file: "big.yaml")
        }
        #expect(error.fieldPath == "spec.containers[0].resources.limits.memory")
    }

    @Test("empty YAML documents are skipped but still counted")
    func emptyYAMLDocuments() throws {
        let yaml = """
            ---
            # only a comment
            ---
            kind: Pod
            metadata: {name: a}
            ---
            ---
            kind: Pod
            metadata: {name: b}
            ---
            """
        #expect(pods(try decode(yaml)).map(\.name) == ["a", "b"])
        #expect(try decode("").isEmpty)
        #expect(try decode("\n\n# nothing here\n").isEmpty)
        #expect(try decode("   \n", file: "x.json").isEmpty)
    }
}
