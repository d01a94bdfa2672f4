import KubernetesJSON
import Testing
import VPAModel

/// The decoders of API answers: a bad object spoils only itself; watch lines decode by type.
@Suite struct APIResponseDecoderTests {
    static func pod(_ name: String, memory: String = "128Mi", version: String = "7") -> String {
        """
        {"metadata":{"name":"\(name)","namespace":"shop","uid":"uid-\(name)","resourceVersion":"\(version)"},
         "spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"100m","memory":"\(memory)"}}}]},
         "status":{"phase":"Running"}}
        """
    }

    @Test func aListPageKeepsGoodItemsAndNamesTheBadOnesField() throws {
        let body = """
        {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"next-token"},
         "items":[\(Self.pod("a")),\(Self.pod("b", memory: "12x")),\(Self.pod("c"))]}
        """
        let page = try APIResponseDecoder.listPage(Array(body.utf8), itemKind: "Pod", source: "LIST pods")
        #expect(page.resourceVersion == "42")
        #expect(page.continueToken == "next-token")
        #expect(page.items.count == 3)
        guard case .success(let first) = page.items[0].result, case .pod(let pod)? = first.first else {
            Issue.record("the first pod did not decode: \(page.items[0].result)")
            return
        }
        #expect(pod.name == "a" && pod.uid == "uid-a")
        guard case .failure(let error) = page.items[1].result else {
            Issue.record("a pod with memory 12x decoded")
            return
        }
        #expect(page.items[1].displayName == "shop/b")
        #expect(error.fieldPath == "items[1].spec.containers[0].resources.requests.memory")
        guard case .success = page.items[2].result else {
            Issue.record("the pod after a bad one did not decode")
            return
        }
    }

    @Test func watchLinesDecodeByType() throws {
        let deleted = try APIResponseDecoder.watchEvent(Array("{\"type\":\"DELETED\",\"object\":\(Self.pod("a", version: "9"))}".utf8),
                                                        itemKind: "Pod", source: "WATCH pods")
        guard case .object(.deleted, let item) = deleted, case .success(let objects) = item.result,
              case .podDeleted(let pod)? = objects.first else {
            Issue.record("a DELETED event did not decode to podDeleted: \(deleted)")
            return
        }
        #expect(pod.name == "a" && item.resourceVersion == "9")

        let bookmark = try APIResponseDecoder.watchEvent(
            Array(#"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"1234"}}}"#.utf8),
            itemKind: "Pod", source: "WATCH pods")
        guard case .bookmark(let version) = bookmark else {
            Issue.record("a bookmark decoded to \(bookmark)")
            return
        }
        #expect(version == "1234")

        let expired = try APIResponseDecoder.watchEvent(Array(#"""
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (80)","reason":"Expired","code":410}}
            """#.utf8), itemKind: "Pod", source: "WATCH pods")
        guard case .error(let status) = expired else {
            Issue.record("an ERROR event decoded to \(expired)")
            return
        }
        #expect(status.isExpired && status.code == 410 && status.message == "too old resource version: 5 (80)")

        #expect(throws: KubernetesInputError.self) {
            try APIResponseDecoder.watchEvent(Array(#"{"type":"SOMETHING","object":{}}"#.utf8), itemKind: "Pod", source: "WATCH pods")
        }
    }

    @Test func anErrorBodyIsReadAsAStatus() {
        let status = APIResponseDecoder.status(Array(#"{"kind":"Status","code":429,"reason":"TooManyRequests","message":"slow down"}"#.utf8))
        #expect(status == APIStatus(code: 429, reason: "TooManyRequests", message: "slow down"))
        #expect(APIResponseDecoder.status(Array("<html>bad gateway</html>".utf8)) == nil)
    }
}
