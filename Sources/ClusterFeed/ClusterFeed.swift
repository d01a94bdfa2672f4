import Foundation
import KubernetesAPI
import Logging
import ServiceLifecycle
import StoreAPI
import StoreRPC
import StoreWire
import Synchronization
import VPAModel
import VPAStoreClient

/// `vpa-store feed`: keeps the store in step with a cluster. One reflector per resource (pods, VPAs,
/// Evicted events; PodMetrics polled) hands what it sees to a bounded queue, and one flusher sends
/// the queue to the store as Ingest calls of a few hundred observations or ~100 ms, whichever comes
/// first, each with its own idempotency key and retried with it until the store acknowledges.
///
/// `observed_at` of a call is when the latest of its watch events (or list pages) arrived, by
/// `clock` (the machine's clock in production).
///
/// When the store stays away so long that the queue fills, the queue is dropped, the reflectors
/// stop, and once the store answers again every resource is relisted: memory stays bounded, and
/// nothing the store acknowledged is lost (the relist brings back what was dropped).
public final class ClusterFeed: Sendable {
    public let api: KubernetesClient
    public let store: StoreClient
    public let configuration: FeedConfiguration
    public let metrics: FeedMetrics
    let logger: Logger
    private let clock: @Sendable () -> Timestamp
    private let queue: IngestQueue
    private let run = UUID().uuidString.prefix(8).lowercased()
    /// The number of the last batch sent, for idempotency keys: counted over the feed's whole life,
    /// so that a batch after an overflow's restart never reuses an earlier batch's key (the store
    /// would answer the earlier call again and append nothing).
    private let batches = Mutex(0)
    private let totals = FeedTotals()

    /// A feed from `api` into `store`.
    public init(api: KubernetesClient, store: StoreClient, configuration: FeedConfiguration = FeedConfiguration(),
                metrics: FeedMetrics, clock: @escaping @Sendable () -> Timestamp = { .now }, logger: Logger) {
        self.api = api
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        queue = IngestQueue(limit: configuration.bufferLimit, stallLimit: configuration.storeStallLimit)
    }

    /// The resources followed, with their field selectors.
    var sources: [(resource: APIResource, fieldSelector: String?)] {
        var sources: [(APIResource, String?)] = [(.pods, nil)]
        if configuration.watchVPAs { sources.append((.verticalPodAutoscalers, nil)) }
        if configuration.watchLimitRanges { sources.append((.limitRanges, nil)) }
        if configuration.watchEvictions { sources.append((.events, "reason=Evicted")) }
        if configuration.pollMetrics { sources.append((.podMetrics, nil)) }
        return sources
    }

    /// What the feed has done so far.
    public var statistics: FeedStatistics {
        get async {
            var statistics = await totals.snapshot()
            statistics.overflows = await queue.overflows
            return statistics
        }
    }

    /// Why the feed is not ready to be counted on, or nil when it is: ready once every resource
    /// was listed once (the store holds the cluster as it was then) and, while observations wait,
    /// the store acknowledged within `storeStallLimit`. For `/readyz`.
    public var notReadyReason: String? {
        get async {
            let statistics = await statistics
            let unlisted = sources.map(\.resource.description).filter { (statistics.lists[$0] ?? 0) == 0 }
            if !unlisted.isEmpty { return "not listed yet: \(unlisted.joined(separator: ", "))" }
            let pending = await queue.count
            guard pending > 0 else { return nil }
            guard let acknowledged = statistics.lastAcknowledged else { return "\(pending) observations wait; the store has acknowledged none" }
            let silence = ContinuousClock.now - acknowledged
            if silence > configuration.storeStallLimit {
                return "\(pending) observations wait; the store last acknowledged \(silence.components.seconds) s ago"
            }
            return nil
        }
    }

    /// Observations waiting for the store (not counting a batch in flight).
    public var pendingObservations: Int { get async { await queue.count } }

    /// Runs until the task is cancelled.
    public func run() async {
        logger.info("Feeding the store from the cluster",
                    metadata: ["api": "\(api.connection.server)", "origin": "\(api.connection.origin)",
                               "namespace": "\(configuration.namespace ?? "(all)")",
                               "resources": "\(sources.map { "\($0.resource)" }.joined(separator: ","))"])
        while !Task.isCancelled {
            await queue.reset()
            let overflowed = await withTaskGroup(of: Bool.self) { group in
                for source in sources {
                    group.addTask { await self.follow(source.resource, fieldSelector: source.fieldSelector); return false }
                }
                group.addTask { await self.flush() }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            guard overflowed, !Task.isCancelled else { return }
            let dropped = await queue.droppedByLastOverflow
            metrics.dropped(observations: dropped)
            logger.error("The store was unavailable long enough to fill the buffer: dropped it; relisting every resource",
                         metadata: ["buffer_limit": "\(configuration.bufferLimit)", "dropped": "\(dropped)"])
        }
    }

    private func follow(_ resource: APIResource, fieldSelector: String?) async {
        var options = configuration.reflector
        if resource == .podMetrics { options.pollInterval = configuration.metricsInterval }
        let reflector = Reflector(client: api, resource: resource, namespace: configuration.namespace,
                                  fieldSelector: fieldSelector, options: options, logger: logger)
        let handler = ResourceHandler(resource: resource, namespace: configuration.namespace, store: store, queue: queue,
                                      metrics: metrics, storeBackoff: configuration.storeBackoff, clock: clock, logger: logger)
        await reflector.run { output in
            _ = await handler.handle(output)
            if case .listed = output { await totals.listed(resource) }
        }
    }

    /// Sends batches until cancelled; true when the queue overflowed (after the batch in flight,
    /// if any, was acknowledged: the store is back).
    private func flush() async -> Bool {
        while !Task.isCancelled {
            switch await queue.next(maxObservations: configuration.batchObservations, maxAge: configuration.batchLatency) {
            case .overflowed:
                return true
            case .wait(let delay):
                do { try await Task.sleep(for: max(delay, .milliseconds(2))) } catch { return false }
            case .batch(let batch):
                let sequence = batches.withLock { $0 += 1; return $0 }
                let request = IngestRequest(idempotencyKey: "vpa-store-feed/\(run)/\(sequence)", observedAt: batch.observedAt,
                                            observations: batch.observations)
                guard let response = await send(request) else { return false }
                await queue.progressed()
                let now = ContinuousClock.now
                for arrival in batch.arrivals {
                    metrics.acknowledged(lag: now - arrival.instant, at: Date().timeIntervalSince1970)
                }
                await totals.acknowledged(batch, response: response, at: now)
                metrics.pendingChanged(await queue.count)
            }
        }
        return false
    }

    /// Sends one Ingest call, retrying (same idempotency key) while the store is unavailable; nil
    /// when cancelled. A call the store refuses as invalid or too large is split in halves, each
    /// sent on its own, so that one bad observation costs only itself (logged and dropped: sending
    /// it again cannot help).
    private func send(_ request: IngestRequest) async -> IngestResponse? {
        var backoff = configuration.storeBackoff
        while !Task.isCancelled {
            do throws(RPCStatus) {
                return try await store.ingest(request)
            } catch where error.code == .invalidArgument || error.code == .resourceExhausted {
                guard request.observations.count > 1 else {
                    logger.error("The store refused an observation; dropped it",
                                 metadata: ["error": "\(error)", "observation": "\(Self.describe(request.observations[0]))"])
                    return IngestResponse(summary: IngestSummary(), headPosition: 0)
                }
                let middle = request.observations.count / 2
                var summary = IngestSummary()
                var head: Int64 = 0
                for (part, slice) in [request.observations[..<middle], request.observations[middle...]].enumerated() {
                    var half = request
                    half.idempotencyKey = request.idempotencyKey.map { "\($0)/\(part)" }
                    half.observations = Array(slice)
                    guard let answer = await send(half) else { return nil }
                    summary.add(answer.summary)
                    head = max(head, answer.headPosition)
                }
                return IngestResponse(summary: summary, headPosition: head)
            } catch {
                if Task.isCancelled { return nil }
                let delay = backoff.next()
                let pending = await queue.count
                logger.warning("The store is unavailable; retrying the batch",
                               metadata: ["error": "\(error)", "retry_in": "\(delay)", "pending": "\(pending)"])
                do { try await Task.sleep(for: delay) } catch { return nil }
            }
        }
        return nil
    }

    /// `pod shop/web-0` or `usage shop/web-0`, for a log line about one observation.
    static func describe(_ observation: Observation) -> String {
        switch observation {
        case .pod(let pod): "pod \(pod.namespace)/\(pod.name)"
        case .podDeleted(let pod): "deleted pod \(pod.namespace)/\(pod.name)"
        case .vpa(let vpa): "VPA \(vpa.namespace)/\(vpa.name)"
        case .vpaDeleted(let vpa): "deleted VPA \(vpa.namespace)/\(vpa.name)"
        case .usage(let usage): "usage \(usage.namespace)/\(usage.pod)"
        case .eviction(let eviction): "eviction \(eviction.podNamespace)/\(eviction.podName)"
        case .limitRange(let range): "LimitRange \(range.namespace)/\(range.name)"
        case .limitRangeDeleted(let range): "deleted LimitRange \(range.namespace)/\(range.name)"
        case .upstreamCheckpoint(let checkpoint): "checkpoint \(checkpoint.namespace)/\(checkpoint.vpaName)/\(checkpoint.containerName)"
        }
    }
}

/// Counts of what a feed did, for tests, the bench and the final log line.
public struct FeedStatistics: Sendable {
    /// Completed LISTs (first lists and relists) by resource (`pods`, `pods.metrics.k8s.io`, …).
    public var lists: [String: Int] = [:]
    public var ingestCalls = 0
    public var observationsSent = 0
    public var eventsAppended = 0
    /// Times the buffer was dropped, the store silent and the buffer full (each followed by a
    /// relist of everything once the store answers again).
    public var overflows = 0
    /// Lag from a watch event's (or list page's) arrival to the store's acknowledgement.
    public var lags: [Duration] = []
    /// When the last batch was acknowledged.
    public var lastAcknowledged: ContinuousClock.Instant?
}

actor FeedTotals {
    private var statistics = FeedStatistics()
    /// Lags kept for percentiles: the most recent ones, bounded.
    private let maxLags = 100_000

    func listed(_ resource: APIResource) { statistics.lists[resource.description, default: 0] += 1 }

    func acknowledged(_ batch: IngestQueue.Batch, response: IngestResponse, at instant: ContinuousClock.Instant) {
        statistics.ingestCalls += 1
        statistics.observationsSent += batch.observations.count
        statistics.eventsAppended += response.summary.eventsAppended
        statistics.lastAcknowledged = instant
        if statistics.lags.count > maxLags { statistics.lags.removeFirst(statistics.lags.count - maxLags / 2) }
        for arrival in batch.arrivals { statistics.lags.append(instant - arrival.instant) }
    }

    func snapshot() -> FeedStatistics { statistics }
}

/// The feed as a swift-service-lifecycle service, for `serve --feed` (beside the store server) and
/// `vpa-store feed`: runs until graceful shutdown, then shuts the feed's API client down.
public struct FeedService: Service {
    public let feed: ClusterFeed

    /// A service running `feed`.
    public init(feed: ClusterFeed) { self.feed = feed }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await feed.run() }
        // The service owns the API client's connections from here on: nothing else uses them.
        await feed.api.shutdown()
        let statistics = await feed.statistics
        feed.logger.info("The feed stopped", metadata: ["ingest_calls": "\(statistics.ingestCalls)",
                                                        "observations": "\(statistics.observationsSent)",
                                                        "events_appended": "\(statistics.eventsAppended)"])
    }
}
