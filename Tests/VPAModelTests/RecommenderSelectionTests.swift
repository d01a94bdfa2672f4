import Testing
import VPAModel

/// Which recommender a VPA's `spec.recommenders` selects.
struct RecommenderSelectionTests {
    static func vpa(_ recommenders: [String]?) -> VPAObservation {
        VPAObservation(namespace: "default", name: "vpa", targetKind: "Deployment", targetName: "web", recommenders: recommenders)
    }

    // upstream: pkg/recommender/input/cluster_feeder_test.go TestFilterVPAs: a recommender named
    // "test-recommender" takes only the VPA that names it.
    @Test func namedRecommenderTakesOnlyTheVPAsThatNameIt() {
        let vpas = [Self.vpa(["default-recommender"]), Self.vpa(["test-recommender"]), Self.vpa(["another-recommender"])]
        #expect(vpas.map { $0.isHandled(byRecommender: "test-recommender") } == [false, true, false])
        #expect(!Self.vpa(nil).isHandled(byRecommender: "test-recommender"))
    }

    // upstream: cluster_feeder.go filterVPAs for the default recommender (cluster_feeder_test.go
    // TestLoadVPAs "no recommenderName" / "recommenderName doesn't match recommender").
    @Test func defaultRecommenderTakesTheVPAsNamingNone() {
        #expect(Self.vpa(nil).isHandled(byRecommender: "default"))
        #expect(Self.vpa([]).isHandled(byRecommender: "default"))
        #expect(Self.vpa(["default"]).isHandled(byRecommender: "default"))
        #expect(!Self.vpa(["other"]).isHandled(byRecommender: "default"))
    }
}
