import VPAModel

extension EventFilter {
    /// Whether `event` passes the filter's type, time and position tests (the pod test is done by
    /// walking the pod's streams).
    func matches(_ event: StoredEvent) -> Bool {
        if let type, event.body.type != type { return false }
        if let since, event.occurredAt < since { return false }
        if let until, event.occurredAt > until { return false }
        return event.position >= fromPosition
    }

}
