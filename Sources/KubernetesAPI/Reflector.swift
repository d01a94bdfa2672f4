import KubernetesJSON
import Logging

/// Keeps a consumer in step with one resource of the API server, as client-go's Reflector does:
/// LIST (paged) → WATCH from the list's resourceVersion, with bookmarks; resume from the last seen
/// version when a watch ends or drops; relist when the version is too old (410, or a watch `ERROR`
/// event carrying 410); exponential backoff with jitter on 429, 5xx and dropped connections,
/// honouring `Retry-After`. Resources that cannot be watched (PodMetrics) are listed every
/// `pollInterval`.
public struct Reflector: Sendable {
    public let client: KubernetesClient
    public let resource: APIResource
    /// All namespaces when nil.
    public let namespace: String?
    public let fieldSelector: String?
    public var options: ReflectorOptions
    private let logger: Logger

    /// A reflector of `resource` through `client`.
    public init(client: KubernetesClient, resource: APIResource, namespace: String? = nil, fieldSelector: String? = nil,
                options: ReflectorOptions = ReflectorOptions(), logger: Logger) {
        self.client = client
        self.resource = resource
        self.namespace = namespace
        self.fieldSelector = fieldSelector
        self.options = options
        self.logger = logger
    }

    /// Runs until the task is cancelled, handing every list page, watch event and incident to
    /// `consumer`, in order. `consumer` may take its time: the watch waits (TCP backpressure).
    public func run(_ consumer: (ReflectorOutput) async -> Void) async {
        var backoff = options.backoff
        var resourceVersion: String?
        var listedBefore = false
        var relistReason = "start"
        while !Task.isCancelled {
            if resourceVersion == nil {
                do throws(KubernetesAPIError) {
                    resourceVersion = try await listAll(isRelist: listedBefore, reason: relistReason, consumer)
                    listedBefore = true
                    backoff.reset()
                } catch {
                    if !(await pause(after: error, during: "LIST", backoff: &backoff, consumer)) { return }
                    continue
                }
            }
            guard let version = resourceVersion else { continue }
            guard resource.watchable else {
                do { try await Task.sleep(for: options.pollInterval) } catch { return }
                resourceVersion = nil
                relistReason = "poll"
                continue
            }
            let timeout = Int.random(in: options.watchTimeoutSeconds)
            let started = ContinuousClock.now
            var latest = version
            var received = 0
            var brokenBy: APIStatus?
            do throws(KubernetesAPIError) {
                try await client.watch(resource, namespace: namespace, fieldSelector: fieldSelector,
                                       resourceVersion: version, timeoutSeconds: timeout) { event in
                    switch event {
                    case .object(let type, let item):
                        received += 1
                        if let itemVersion = item.resourceVersion { latest = itemVersion }
                        await consumer(.event(type, item))
                        return true
                    case .bookmark(let bookmarkVersion):
                        latest = bookmarkVersion
                        await consumer(.bookmark(resourceVersion: bookmarkVersion))
                        return true
                    case .error(let status):
                        brokenBy = status
                        return false
                    }
                }
            } catch {
                resourceVersion = latest
                if error.code == 410 {
                    relistReason = "410 Gone: \(error)"
                    resourceVersion = nil
                    await consumer(.incident(.relisting(reason: relistReason)))
                    continue
                }
                if !error.isRetryable {
                    // An answer the reflector cannot read: start over from a fresh list, as client-go does.
                    resourceVersion = nil
                    relistReason = "watch failed: \(error)"
                }
                if !(await pause(after: error, during: "WATCH", backoff: &backoff, consumer)) { return }
                await consumer(.incident(.watchRestarted(reason: "\(error)")))
                continue
            }
            resourceVersion = latest
            if let status = brokenBy {
                resourceVersion = nil
                relistReason = "watch ERROR event: \(status)"
                await consumer(.incident(.relisting(reason: relistReason)))
                if !status.isExpired {
                    let failure = KubernetesAPIError.status(status, retryAfter: nil)
                    if !(await pause(after: failure, during: "WATCH", backoff: &backoff, consumer)) { return }
                }
                continue
            }
            // The server ended the stream (its timeoutSeconds, or it closed it). A stream that ends at
            // once with nothing in it, again and again, is a failure in disguise: back off.
            if received == 0 && ContinuousClock.now - started < .seconds(1) {
                let failure = KubernetesAPIError.transport("the watch ended at once, with no events")
                if !(await pause(after: failure, during: "WATCH", backoff: &backoff, consumer)) { return }
            } else {
                backoff.reset()
            }
            await consumer(.incident(.watchRestarted(reason: "the server ended the watch")))
        }
    }

    /// Lists every page; returns the list's resourceVersion. A 410 on a later page (its continue
    /// token expired) restarts the list from the first page.
    private func listAll(isRelist: Bool, reason: String,
                         _ consumer: (ReflectorOutput) async -> Void) async throws(KubernetesAPIError) -> String {
        while true {
            var continueToken: String?
            var listVersion = ""
            var first = true
            do throws(KubernetesAPIError) {
                repeat {
                    let page = try await client.list(resource, namespace: namespace, fieldSelector: fieldSelector,
                                                     limit: options.pageSize, continueToken: continueToken)
                    if first { listVersion = page.resourceVersion }
                    await consumer(.listPage(page.items, first: first))
                    first = false
                    continueToken = page.continueToken
                } while continueToken != nil
            } catch where error.code == 410 && !first {
                await consumer(.incident(.relisting(reason: "continue token expired: \(error)")))
                continue
            }
            await consumer(.listed(resourceVersion: listVersion, isRelist: isRelist, reason: reason))
            return listVersion
        }
    }

    /// Reports `error` and sleeps the backoff (or the server's Retry-After); false when cancelled.
    private func pause(after error: KubernetesAPIError, during call: String, backoff: inout Backoff,
                       _ consumer: (ReflectorOutput) async -> Void) async -> Bool {
        // A call cut short by the reflector's own cancellation (shutdown) is not a failure to report.
        if Task.isCancelled { return false }
        var retryAfter: Duration?
        if case .status(_, let after) = error { retryAfter = after }
        let delay = backoff.next(retryAfter: retryAfter)
        await consumer(.incident(.apiError(error, call: call, retryIn: delay)))
        let level: Logger.Level = backoff.consecutiveFailures > 3 ? .error : .warning
        logger.log(level: level, "Kubernetes API call failed; retrying",
                   metadata: ["resource": "\(resource)", "call": "\(call)", "error": "\(error)",
                              "retry_in": "\(delay)", "failures": "\(backoff.consecutiveFailures)"])
        do { try await Task.sleep(for: delay) } catch { return false }
        return true
    }
}

/// How a reflector lists, watches and backs off.
public struct ReflectorOptions: Sendable {
    /// Items per LIST page.
    public var pageSize = 500
    /// `timeoutSeconds` of each WATCH, drawn at random from this range so that many clients do not
    /// re-watch together (client-go: 5 to 10 minutes).
    public var watchTimeoutSeconds: ClosedRange<Int> = 300...600
    /// How often resources that cannot be watched are listed again.
    public var pollInterval: Duration = .seconds(60)
    public var backoff = Backoff()

    /// The defaults, as client-go has them.
    public init() {}
}

/// What a reflector hands its consumer.
public enum ReflectorOutput: Sendable {
    /// A page of a LIST; `first` marks the start of a (re)list.
    case listPage([APIItem], first: Bool)
    /// A LIST ended: every object at `resourceVersion` has been handed over since the last page
    /// marked `first`. Objects the consumer holds that were not among them are gone.
    case listed(resourceVersion: String, isRelist: Bool, reason: String)
    /// A watch event.
    case event(WatchEventType, APIItem)
    /// A bookmark: nothing changed up to this version.
    case bookmark(resourceVersion: String)
    /// Something went wrong or restarted, for logs and metrics.
    case incident(ReflectorIncident)
}

/// What a reflector went through, for metrics.
public enum ReflectorIncident: Sendable {
    /// A new WATCH from the last version.
    case watchRestarted(reason: String)
    /// A new LIST, and why.
    case relisting(reason: String)
    /// A call failed; the next try is in `retryIn`.
    case apiError(KubernetesAPIError, call: String, retryIn: Duration)
}
