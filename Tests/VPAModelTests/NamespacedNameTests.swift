import Testing
import VPAModel

@Suite struct NamespacedNameTests {
    @Test func textRoundTrips() throws {
        let key = PodKey(namespace: "shop", name: "web-0")
        #expect(key.description == "shop/web-0")
        #expect(try PodKey(parsing: "shop/web-0") == key)
        #expect(try VPAKey(parsing: "shop/web").name == "web")
    }

    @Test func badTextIsRefusedSayingWhatIsExpected() {
        for text in ["web-0", "/web-0", "shop/", "a/b/c", ""] {
            #expect(throws: NamespacedNameError(text: text, noun: "pod")) { try PodKey(parsing: text) }
        }
        #expect(NamespacedNameError(text: "web", noun: "VPA").description
                == "\"web\" is not a VPA key: expected NAMESPACE/NAME, such as shop/web")
        #expect(throws: NamespacedNameError(text: "web", noun: "VPA")) { try VPAKey(parsing: "web") }
    }

    /// The store compares ListPods cursors as text; a key must sort the same way, which a
    /// (namespace, name) tuple would not: "a-b/c" sorts before "a/z" as text.
    @Test func keysSortAsTheirText() {
        let keys = [PodKey(namespace: "a", name: "z"), PodKey(namespace: "a-b", name: "c"), PodKey(namespace: "a.b", name: "a"),
                    PodKey(namespace: "a", name: "b")]
        #expect(keys.sorted().map(\.description) == keys.map(\.description).sorted())
    }

    @Test func observationsKeyTheirPodAndVPA() {
        let pod = PodObservation(uid: nil, namespace: "shop", name: "web-0")
        #expect(pod.key == PodKey(namespace: "shop", name: "web-0"))
        #expect(pod.streamKey == "shop/web-0")
        let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web")
        #expect(vpa.key.description == "shop/web")
    }
}
