import Logging
import NIOConcurrencyHelpers
import Simulator
import VPAModel

/// Everything the simulated API server serves, owned by one actor: the cluster model, the
/// versioned object store built from what the model shows, the open watches and the faults.
///
/// Every change goes through here in one order, so resourceVersions, watch events and bookmarks
/// are consistent: no watch ever sees an event older than a bookmark it was sent.
actor APIState {
    /// What the server knows of one pod besides its object.
    struct PodRecord: Sendable {
        var observation: PodObservation
        var uid: String
        var createdAt: Timestamp
    }

    private struct Watcher {
        var filter: WatchFilter
        var continuation: AsyncStream<WatchOutput>.Continuation
    }

    var simulation: ClusterSimulation
    var store: ObjectStore
    var pods: [ObjectKey: PodRecord] = [:]
    /// The latest usage of each pod, as metrics-server keeps it.
    var usage: [ObjectKey: UsageObservation] = [:]
    /// Recommendations in VPA statuses, by `namespace/name`, for the admission hook.
    var recommendations: [String: PublishedRecommendation] = [:]
    var refuseEvictions = false
    /// What clients did through the API.
    var counters = SimulatedAPICounters()
    /// Containers admission gave a recommendation to; counted inside the model's admission hook.
    nonisolated let admittedContainers = NIOLockedValueBox(0)
    private var failures: (remaining: Int, error: APIError)?
    private var watchers: [Int: Watcher] = [:] {
        didSet { openWatches.withLockedValue { $0 = watchers.count } }
    }
    /// The number of open watches, readable without waiting for the actor.
    nonisolated let openWatches = NIOLockedValueBox(0)
    private var nextWatcherID = 0
    private var nextUID: UInt64 = 0
    let watchBufferLimit: Int
    let bookmarkInterval: Duration
    let logger: Logger

    init(simulation: ClusterSimulation, historyLimit: Int, watchBufferLimit: Int, bookmarkInterval: Duration, logger: Logger) {
        self.simulation = simulation
        self.store = ObjectStore(historyLimit: historyLimit)
        self.watchBufferLimit = watchBufferLimit
        self.bookmarkInterval = bookmarkInterval
        self.logger = logger
    }

    /// The simulated time.
    var now: Timestamp { simulation.now }

    /// A UID for an object the server creates (UUID-shaped, unique in this server).
    func makeUID() -> String {
        nextUID += 1
        let hex = String(nextUID, radix: 16)
        let padded = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return "5e1a7ed0-0000-4000-8000-\(padded)"
    }

    // MARK: Changes

    /// Stores `object` at `key` and tells the watches.
    @discardableResult
    func put(_ resource: ResourceType, _ key: ObjectKey, _ object: JSON) -> ObjectStore.LiveObject {
        broadcast(store.put(resource, key, object))
        return store.get(resource, key)!
    }

    /// Deletes the object at `key` and tells the watches; nil when there is none.
    @discardableResult
    func delete(_ resource: ResourceType, _ key: ObjectKey) -> Change? {
        guard let change = store.delete(resource, key) else { return nil }
        broadcast(change)
        return change
    }

    private func broadcast(_ change: Change) {
        for (id, watcher) in watchers where watcher.filter.resource == change.resource {
            guard let type = watcher.filter.eventType(for: change) else { continue }
            let line = WatchEventLine.line(type.rawValue, object: change.object.bytes)
            if case .dropped = watcher.continuation.yield(.data(line)) {
                // A watch this far behind is ended, as the API server ends a watcher whose buffer is
                // full; its client resumes from the last resourceVersion it saw.
                logger.info("Ended a watch that fell behind", metadata: ["watch.id": "\(id)", "watch.resource": "\(change.resource.plural)"])
                endWatch(id)
            }
        }
    }

    // MARK: Watches

    /// Starts a watch of `filter` from `resourceVersion` (nil or 0: synthetic ADDED events for
    /// every current object first). A version older than the history gets one ERROR event with a
    /// 410 Status, as the watch cache answers it.
    func watch(_ filter: WatchFilter, from resourceVersion: UInt64?, bookmarks: Bool, timeout: Duration?) -> WatchSubscription {
        nextWatcherID += 1
        let id = nextWatcherID
        var initial: [[UInt8]] = []
        if let resourceVersion, resourceVersion > 0 {
            do throws(APIError) {
                for change in try store.changes(filter.resource, after: resourceVersion) {
                    if let type = filter.eventType(for: change) {
                        initial.append(WatchEventLine.line(type.rawValue, object: change.object.bytes))
                    }
                }
            } catch {
                initial.append(WatchEventLine.line("ERROR", object: error.status.bytes))
                return WatchSubscription(id: id, resource: filter.resource, initial: initial, live: nil)
            }
        } else {
            for object in store.current(filter.resource, namespace: filter.namespace, selector: filter.selector) {
                initial.append(WatchEventLine.line(ChangeType.added.rawValue, object: object.bytes))
            }
        }
        let (stream, continuation) = AsyncStream.makeStream(of: WatchOutput.self,
                                                            bufferingPolicy: .bufferingOldest(watchBufferLimit))
        watchers[id] = Watcher(filter: filter, continuation: continuation)
        return WatchSubscription(id: id, resource: filter.resource, initial: initial, live: stream,
                                 bookmarkInterval: bookmarks ? bookmarkInterval : nil, timeout: timeout)
    }

    /// Sends a BOOKMARK with the current resourceVersion to watch `id`.
    func bookmark(_ id: Int) {
        guard let watcher = watchers[id] else { return }
        _ = watcher.continuation.yield(.data(WatchEventLine.bookmark(watcher.filter.resource,
                                                                     resourceVersion: store.resourceVersion)))
    }

    /// Ends watch `id` cleanly (its connection writes the end of the body); no-op when it ended.
    func endWatch(_ id: Int) {
        watchers.removeValue(forKey: id)?.continuation.finish()
    }

    /// Ends every watch: abruptly (`abort`, a fault) or cleanly (shutdown).
    func endAllWatches(abort: Bool) {
        for watcher in watchers.values {
            if abort { _ = watcher.continuation.yield(.abort) }
            watcher.continuation.finish()
        }
        watchers.removeAll()
    }

    // MARK: Faults

    /// Applies a fault.
    func inject(_ fault: SimulatorFault) {
        logger.info("Injected a fault", metadata: ["fault": "\(fault)"])
        switch fault {
        case .closeWatches: endAllWatches(abort: true)
        case .dropHistory: store.dropHistory()
        case .refuseEvictions(let refuse): refuseEvictions = refuse
        case .failRequests(let count, let status, let retryAfter):
            failures = count > 0 ? (count, APIError.injected(code: status, retryAfterSeconds: retryAfter)) : nil
        }
    }

    /// The failure this request must answer, when a `failRequests` fault has some left.
    func takeInjectedFailure() -> APIError? {
        guard let (remaining, error) = failures else { return nil }
        failures = remaining > 1 ? (remaining - 1, error) : nil
        return error
    }
}
