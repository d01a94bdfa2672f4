import VPAModel

/// Whether a pod's recommendation is worth an update, and why.
struct UpdateAssessment: Sendable {
    var priority: UpdatePriority
    var isWanted: Bool
    var cause: DecisionCause
    var reason: String
}

/// A container OOM-killed soon after it started.
struct QuickOOMKill: Sendable {
    var container: String
    /// From `startedAt` to `finishedAt` of the killed run.
    var livedMilliseconds: Int64
}

extension PodUnderVPA {
    /// The first container whose `lastState` is terminated with reason `OOMKilled` after running
    /// less than `threshold` (upstream update_priority_calculator.go `AddPod`). Containers whose
    /// policy has `mode: Off` are skipped, as upstream skips them.
    ///
    /// A termination without both `startedAt` and `finishedAt` is not a quick OOM (Go would subtract
    /// zero times; the kubelet always sets both).
    func quickOOMKill(policies vpa: VPAObservation, thresholdMilliseconds: Int64) -> QuickOOMKill? {
        for container in containers where vpa.policy(for: container.name)?.scalingOff != true && isObserved(container.name) {
            guard case .terminated(let reason, _, let startedAt?, let finishedAt?) = container.lastState,
                  reason == OOMDetector.oomKilledReason else { continue }
            let lived = finishedAt.milliseconds(since: startedAt)
            if lived < thresholdMilliseconds {
                return QuickOOMKill(container: container.name, livedMilliseconds: lived)
            }
        }
        return nil
    }

    /// Upstream `UpdatePriorityCalculator.AddPod` (pkg/updater/priority/update_priority_calculator.go):
    /// an update is wanted when a request is outside the recommended range or after a quick OOM;
    /// otherwise only when the pod has a start time, has run for the lifetime threshold, and the
    /// resource diff reaches `--pod-update-threshold`. A quick OOM whose resource diff is exactly 0
    /// is skipped: an update would change nothing.
    ///
    /// vpa-store goes beyond upstream (AEP-4016, DESIGN §3.4): inside the range, the lifetime
    /// threshold must also have passed since the pod's last successful VPA in-place resize.
    func assessment(of containers: [RecommendedContainer], vpa: VPAObservation,
                    configuration: UpdaterConfiguration, now: Timestamp) -> UpdateAssessment {
        // The VPA's `evictAfterOOMSeconds` overrides `--evict-after-oom-threshold` (upstream getEvictOOMThreshold).
        let oomThreshold = vpa.evictAfterOOMSeconds.map { $0.multipliedReportingOverflow(by: 1000).overflow ? Int64.max : $0 * 1000 }
            ?? configuration.evictAfterOOMThreshold.wholeMilliseconds
        let kill = quickOOMKill(policies: vpa, thresholdMilliseconds: oomThreshold)
        // Containers the vpaObservedContainers annotation leaves out do not count (upstream priority_processor.go).
        let priority = UpdatePriority(containers: containers.filter { isObserved($0.container.name) }, quickOOM: kill != nil)
        let lifetime = configuration.podLifetimeUpdateThreshold.wholeMilliseconds
        let lifetimeText = DurationText.format(milliseconds: lifetime)
        let diffText = DurationText.format(fraction: priority.resourceDiff)
        func notWanted(_ cause: DecisionCause, _ reason: String) -> UpdateAssessment {
            UpdateAssessment(priority: priority, isWanted: false, cause: cause, reason: reason)
        }

        if !priority.outsideRecommendedRange && kill == nil {
            guard let startTime else {
                return notWanted(.noStartTime, "requests inside the recommended range and no start time: not updating")
            }
            let age = now.milliseconds(since: startTime)
            if age < lifetime {
                return notWanted(.podTooYoung, "requests inside the recommended range and pod started "
                                 + "\(DurationText.format(milliseconds: age)) ago < \(lifetimeText): not updating")
            }
            if let resized = lastSuccessfulInPlaceResize, now.milliseconds(since: resized) < lifetime {
                let since = DurationText.format(milliseconds: now.milliseconds(since: resized))
                return notWanted(.recentlyResizedInPlace, "requests inside the recommended range and pod "
                                 + "resized in place \(since) ago < \(lifetimeText): not updating")
            }
            if priority.resourceDiff < configuration.podUpdateThreshold {
                let threshold = DurationText.format(fraction: configuration.podUpdateThreshold)
                return notWanted(.belowUpdateThreshold, "requests inside the recommended range and resource diff "
                                 + "\(diffText) < \(threshold): not updating")
            }
        }
        if let kill, priority.resourceDiff == 0 {
            return notWanted(.quickOOMWithoutChange, "container \(kill.container) OOM-killed after "
                             + "\(DurationText.format(milliseconds: kill.livedMilliseconds)) but the recommendation "
                             + "equals the requests: not updating")
        }

        let direction = priority.scaleUp ? "scale up" : "scale down"
        let (cause, why): (DecisionCause, String)
        if priority.outsideRecommendedRange {
            (cause, why) = (.outsideRecommendedRange, "requests outside the recommended range")
        } else if let kill {
            (cause, why) = (.quickOOM, "container \(kill.container) OOM-killed after "
                            + "\(DurationText.format(milliseconds: kill.livedMilliseconds)) < "
                            + DurationText.format(milliseconds: oomThreshold))
        } else {
            (cause, why) = (.resourceDiff, "resource diff \(diffText) ≥ "
                            + DurationText.format(fraction: configuration.podUpdateThreshold))
        }
        return UpdateAssessment(priority: priority, isWanted: true, cause: cause,
                                reason: "\(why) (\(direction), diff \(diffText))")
    }
}
