/// The rule behind a pod decision. Raw values are snake_case and bounded, fit for a metric label
/// or the store's `UpdaterDecision` event.
public enum DecisionCause: String, Hashable, Sendable, CaseIterable, Codable {
    // Why an update is wanted (upstream update_priority_calculator.go `AddPod`); the cause of a
    // resize or an eviction that the priority rules asked for.
    /// A request is outside [lower bound, upper bound], or unset.
    case outsideRecommendedRange = "outside_recommended_range"
    /// A container was OOM-killed soon after it started.
    case quickOOM = "quick_oom"
    /// The pod is old enough and the summed relative change reaches `--pod-update-threshold`.
    case resourceDiff = "resource_diff"

    // The pod is resizing (DESIGN §3.2): it waits, is evicted as a fallback, or (InPlace) gets the
    // current recommendation sent again.
    /// `PodResizePending` with reason `Deferred`.
    case resizeDeferred = "resize_deferred"
    /// `PodResizeInProgress` without reason.
    case resizeInProgress = "resize_in_progress"
    /// `PodResizePending` with reason `Infeasible`.
    case resizeInfeasible = "resize_infeasible"
    /// `PodResizeInProgress` with reason `Error`, or a reason upstream does not know.
    case resizeError = "resize_error"

    // An update is wanted but held back this loop.
    /// The pod is Pending: it cannot be resized in place.
    case podPending = "pod_pending"
    /// The group's disruption budget is used up (upstream `isPodDisruptable` is false).
    case budgetExhausted = "budget_exhausted"

    // No update.
    /// The VPA's mode is `Off` or `Initial`: the updater does not act.
    case updateModeOff = "update_mode_off"
    /// The pod has finished (`Succeeded` or `Failed`).
    case podFinished = "pod_finished"
    /// The group has fewer live pods than the minimum replicas.
    case belowMinReplicas = "below_min_replicas"
    /// The group's controller has no replica count (zero): upstream skips it.
    case noReplicaCount = "no_replica_count"
    /// No recommendation for any of the pod's containers.
    case noRecommendation = "no_recommendation"
    /// Inside the recommended range and `status.startTime` is unknown.
    case noStartTime = "no_start_time"
    /// Inside the recommended range and started less than the lifetime threshold ago.
    case podTooYoung = "pod_too_young"
    /// Inside the recommended range and resized in place less than the lifetime threshold ago
    /// (vpa-store's AEP-4016 rule).
    case recentlyResizedInPlace = "recently_resized_in_place"
    /// Inside the recommended range and the change is below `--pod-update-threshold`.
    case belowUpdateThreshold = "below_update_threshold"
    /// A quick OOM, but the recommendation equals the requests: an update would change nothing.
    case quickOOMWithoutChange = "quick_oom_without_change"
    /// The VPA's `evictionRequirements` are not met by any container (upstream
    /// scaling_direction_pod_eviction_admission.go).
    case evictionRequirementsNotMet = "eviction_requirements_not_met"
}
