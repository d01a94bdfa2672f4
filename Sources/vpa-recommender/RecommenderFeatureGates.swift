import ArgumentParser
import Foundation

/// `--feature-gates` as upstream's recommender reads it (`Gate=true,Other=false`;
/// vertical-pod-autoscaler/pkg/features/features.go).
struct RecommenderFeatureGates: Equatable {
    /// `PerVPAConfig`: per-VPA OOM bump and memory aggregation settings (alpha upstream, off by default).
    var perVPAConfig = false

    /// Gates upstream has whose behaviour vpa-store has regardless (in-place modes are always on),
    /// or that concern the admission controller vpa-store does not replace: accepted and ignored.
    static let acceptedWithoutEffect: Set<String> = ["InPlace", "InPlaceOrRecreate", "CPUStartupBoost"]

    init(parsing text: String) throws(ValidationError) {
        for entry in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Bool(parts[1].lowercased()) else {
                throw ValidationError("--feature-gates: expected Gate=true or Gate=false, found \"\(entry)\"")
            }
            switch parts[0] {
            case "PerVPAConfig": perVPAConfig = value
            case let name where Self.acceptedWithoutEffect.contains(name): continue
            default:
                throw ValidationError("--feature-gates: unknown gate \"\(parts[0])\" (known: PerVPAConfig, "
                                      + Self.acceptedWithoutEffect.sorted().joined(separator: ", ") + ")")
            }
        }
    }
}
