/// One-line descriptions of events for people: `query timeline`, `query events --format csv`, and the
/// hover text of the report's marks all say the same.
extension EventBody {
    /// One line that says what the event means.
    public var summary: String {
        switch self {
        case .podObserved(let pod):
            let containers = pod.containers.map { container -> String in
                var text = "\(container.name)\(container.type == .`init` ? " (init)" : "") desired \(Quantities.pair(container.desired.requests))"
                if let enacted = container.status?.resources {
                    text += ", status \(Quantities.pair(enacted.requests))"
                }
                if let status = container.status, status.restartCount > 0 { text += ", restarts \(status.restartCount)" }
                if let reason = container.status?.state?.terminationReason { text += ", terminated \(reason)" }
                return text
            }.joined(separator: "; ")
            var text = "\(pod.phase ?? "pod") \(containers)"
            if let resize = pod.observedResize {
                text += " [\(resize.state.rawValue)\(resize.reason.isEmpty ? "" : ": \(resize.reason)")]"
            }
            return text
        case .podDeleted:
            return "pod deleted"
        case .resizeTransition(let transition):
            var text = "resize \(transition.from.rawValue) → \(transition.to.rawValue) (initiator \(transition.initiator.rawValue)"
            if transition.newResize { text += ", new desired resources" }
            text += ")"
            if !transition.reason.isEmpty { text += " \(transition.reason)" }
            if !transition.message.isEmpty { text += ": \(transition.message)" }
            return text
        case .oomKilled(let kill):
            var text = "OOM kill (\(kill.kind.rawValue)) of \(kill.container) at \(kill.at.rfc3339): memory request "
                + "\(Quantities.memory(kill.memoryRequestBytes)), limit \(Quantities.memory(kill.memoryLimitBytes)) from \(kill.source.rawValue)"
            if let usage = kill.usageBytes { text += ", usage \(Quantities.memory(usage))" }
            return text
        case .evictionObserved(let eviction):
            return "evicted for memory: " + eviction.offenders.map { "\($0.container) using \(Quantities.memory($0.usageBytes))" }
                .joined(separator: ", ")
        case .inPlaceModeChanged(let change):
            if change.mode == .auto && change.detected {
                return "in-place mode auto: status resources seen, reading actual resources from container status from now on"
            }
            return "in-place mode set to \(change.mode.rawValue)"
        case .resizeRequested(let request):
            return "resize requested by \(request.requestedBy): " + request.targets.map {
                "\($0.container) requests \(Quantities.pair($0.resources.requests)) limits \(Quantities.pair($0.resources.limits))"
            }.joined(separator: "; ") + (request.reason.isEmpty ? "" : " (\(request.reason))")
        case .vpaObserved(let vpa):
            var text = "VPA \(vpa.namespace)/\(vpa.name) targets \(vpa.targetKind)/\(vpa.targetName), mode \(vpa.updateMode.rawValue)"
            if let minReplicas = vpa.minReplicas { text += ", min replicas \(minReplicas)" }
            for policy in vpa.containerPolicies {
                text += "; \(policy.containerName): " + (policy.scalingOff ? "off" :
                    "min \(Quantities.pair(policy.minAllowed)) max \(Quantities.pair(policy.maxAllowed))")
            }
            return text
        case .vpaDeleted(let namespace, let name):
            return "VPA \(namespace)/\(name) deleted"
        case .limitRangeObserved(let range):
            return "LimitRange \(range.namespace)/\(range.name): " + range.items.map {
                "\($0.type.rawValue) min \(Quantities.pair($0.min)) max \(Quantities.pair($0.max)) default \(Quantities.pair($0.defaultLimit))"
            }.joined(separator: "; ")
        case .limitRangeDeleted(let namespace, let name):
            return "LimitRange \(namespace)/\(name) deleted"
        case .usageExpired(let expiry):
            return "usage retention removed \(expiry.eventsRemoved) usage sample(s) from before \(expiry.before.rfc3339)"
        case .usageSampled(let sample):
            return "usage over \(sample.windowMilliseconds / 1000)s: " + sample.containers.map {
                "\($0.name) cpu \($0.cpuMillicores)m memory \(Quantities.memory($0.memoryBytes))"
            }.joined(separator: "; ")
        case .recommendationPublished(let published):
            return "recommendation by \(published.recommender): " + published.containers.map {
                "\($0.container) target \(Quantities.pair($0.target)) [\(Quantities.pair($0.lowerBound)) … \(Quantities.pair($0.upperBound))]"
            }.joined(separator: "; ")
        case .recommenderCheckpoint(let checkpoint):
            return "recommender checkpoint of \(checkpoint.containers.count) container histories up to position \(checkpoint.consumedPosition)"
        case .updaterDecision(let decision):
            return "updater: \(decision.action.rawValue) (\(decision.vpa), \(decision.updateMode.rawValue)): \(decision.reason)"
        }
    }
}
