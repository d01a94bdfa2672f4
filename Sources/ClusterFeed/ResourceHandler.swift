import KubernetesAPI
import KubernetesJSON
import Logging
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel
import VPAStoreClient

/// Turns one reflector's output into observations for the queue: decoded objects become
/// observations, objects the decoders refuse are logged and skipped, and at the end of a relist
/// the pods (and VPAs) the store holds but the list no longer has are recorded as deleted.
///
/// Each reflector's task makes its own handler and calls it in order; it is never shared.
final class ResourceHandler {
    let resource: APIResource
    private let namespace: String?
    private let store: StoreClient
    private let queue: IngestQueue
    private let metrics: FeedMetrics
    private let logger: Logger
    private let clock: @Sendable () -> Timestamp
    private var storeBackoff: Backoff
    /// Keys (uid, else namespace/name) of the objects of the list in progress.
    private var listed: Set<String> = []
    private var listCount = 0
    private var skippedInList = 0
    /// The latest usage window end sent per pod: PodMetrics repeat a sample until metrics-server
    /// scrapes again, and the store keeps every sample it is given.
    private var lastUsage: [String: Timestamp] = [:]
    private var usageSeen: [String: Timestamp] = [:]

    init(resource: APIResource, namespace: String?, store: StoreClient, queue: IngestQueue, metrics: FeedMetrics,
         storeBackoff: Backoff, clock: @escaping @Sendable () -> Timestamp, logger: Logger) {
        self.resource = resource
        self.namespace = namespace
        self.store = store
        self.queue = queue
        self.metrics = metrics
        self.storeBackoff = storeBackoff
        self.clock = clock
        self.logger = logger
    }

    /// Handles one output; false when the queue overflowed (the feed will start over).
    func handle(_ output: ReflectorOutput) async -> Bool {
        switch output {
        case .listPage(let items, let first):
            let arrived = clock()
            if first {
                listed.removeAll(keepingCapacity: true)
                listCount = 0
                skippedInList = 0
                usageSeen.removeAll(keepingCapacity: true)
            }
            metrics.received(resource, type: "LIST", count: items.count)
            var observations: [Observation] = []
            observations.reserveCapacity(items.count)
            for item in items {
                listCount += 1
                if let key = item.uid ?? item.namespace.flatMap({ namespace in item.name.map { "\(namespace)/\($0)" } }) {
                    listed.insert(key)
                }
                // LimitRanges are held by namespace/name only (the store keeps no uid for them).
                if resource == .limitRanges, let namespace = item.namespace, let name = item.name { listed.insert("\(namespace)/\(name)") }
                if !append(item, to: &observations) { skippedInList += 1 }
            }
            return await queue.enqueue(observations, at: arrived)
        case .listed(_, let isRelist, let reason):
            if resource == .podMetrics {
                lastUsage = usageSeen
                return true
            }
            let gone = await vanished()
            let log: Logger.Level = isRelist && resource.watchable ? .info : .debug
            logger.log(level: log, isRelist ? "Relisted" : "Listed",
                       metadata: ["resource": "\(resource)", "objects": "\(listCount)", "skipped": "\(skippedInList)",
                                  "vanished": "\(gone.count)", "reason": "\(reason)"])
            return await queue.enqueue(gone, at: clock())
        case .event(let type, let item):
            let arrived = clock()
            metrics.received(resource, type: type.rawValue)
            var observations: [Observation] = []
            if !append(item, to: &observations), type == .deleted, resource == .pods, let namespace = item.namespace,
               let name = item.name {
                // The pod is gone whatever its last state held: end it by what its metadata says,
                // rather than leave it live in the store until a relist.
                observations.append(.podDeleted(PodObservation(uid: item.uid, namespace: namespace, name: name)))
            }
            return await queue.enqueue(observations, at: arrived)
        case .bookmark:
            metrics.received(resource, type: "BOOKMARK")
            return true
        case .incident(let incident):
            metrics.incident(incident, resource: resource)
            if case .relisting(let reason) = incident {
                logger.info("Relisting", metadata: ["resource": "\(resource)", "reason": "\(reason)"])
            }
            return true
        }
    }

    /// Appends what `item` decoded to; false (logged, counted) when the decoders refused it.
    @discardableResult
    private func append(_ item: APIItem, to observations: inout [Observation]) -> Bool {
        switch item.result {
        case .failure(let error):
            metrics.skipped(resource)
            logger.warning("Skipped an object the decoders refuse",
                           metadata: ["resource": "\(resource)", "object": "\(item.displayName)",
                                      "field": "\(error.fieldPath)", "error": "\(error.message)"])
            return false
        case .success(let objects):
            for object in objects {
                if case .usage(let usage) = object {
                    let key = "\(usage.namespace)/\(usage.pod)"
                    usageSeen[key] = usage.sample.at
                    if let last = lastUsage[key], last >= usage.sample.at { continue }
                    lastUsage[key] = usage.sample.at
                }
                if let observation = object.observation { observations.append(observation) }
            }
            return true
        }
    }

    /// After a complete list: what the store holds live that the list did not have.
    private func vanished() async -> [Observation] {
        switch resource {
        case .pods:
            let held = await retryingStore { () async throws(RPCStatus) -> [PodRecord] in
                try await self.store.allPods(namespace: self.namespace)
            }
            return (held ?? []).compactMap { record in
                let key = record.pod.uid ?? "\(record.pod.namespace)/\(record.pod.name)"
                return listed.contains(key) ? nil : .podDeleted(record.pod)
            }
        case .verticalPodAutoscalers:
            let held = await retryingStore { () async throws(RPCStatus) -> [VPARecord] in
                try await self.store.vpas(VPAListRequest(namespace: self.namespace)).vpas
            }
            return (held ?? []).compactMap { record in
                let keys = [record.vpa.uid, "\(record.vpa.namespace)/\(record.vpa.name)"].compactMap { $0 }
                return keys.contains(where: listed.contains) ? nil : .vpaDeleted(record.vpa)
            }
        case .limitRanges:
            let held = await retryingStore { () async throws(RPCStatus) -> [LimitRangeObservation] in
                try await self.store.vpas(VPAListRequest(namespace: self.namespace)).limitRanges
            }
            return (held ?? []).compactMap { range in
                listed.contains("\(range.namespace)/\(range.name)") ? nil : .limitRangeDeleted(range)
            }
        default:
            return []
        }
    }

    /// Runs a store read, retrying with backoff while the store is unavailable; nil when cancelled.
    private func retryingStore<T>(_ read: () async throws(RPCStatus) -> T) async -> T? {
        var backoff = storeBackoff
        while !Task.isCancelled {
            do throws(RPCStatus) {
                return try await read()
            } catch {
                if Task.isCancelled { return nil }
                let delay = backoff.next()
                logger.warning("The store is unavailable; retrying",
                               metadata: ["resource": "\(resource)", "error": "\(error)", "retry_in": "\(delay)"])
                do { try await Task.sleep(for: delay) } catch { return nil }
            }
        }
        return nil
    }
}
