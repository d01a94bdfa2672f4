import EventStore
import NIOConcurrencyHelpers
import StoreAPI
import VPAModel

/// Every live pod's current resources by namespace and name, published by `StoreCore` after each
/// commit and before the commit's calls are answered, so a point read (the call the recommender
/// and updater make per pod) is answered from any thread without queueing on the store's actor:
/// on a server, on the connection's event loop (`StoreService.immediateAnswer`).
///
/// The views are the ones `EventStore.currentResources(namespace:pod:)` gives, recomputed for the
/// pods a commit touched (usage samples touch none: they change no pod state), so an answer from
/// here is the answer the actor would give at the same head.
final class PublishedResources: Sendable {
    private struct State {
        var views: [PodKey: [ContainerResourcesView]] = [:]
        /// The name each pod stream's views are published under, to find them again when the
        /// stream's pod is deleted or renamed.
        var names: [Int64: PodKey] = [:]
        var head: Int64 = 0
        var open = true
    }

    private let state = NIOLockedValueBox(State())
    private let metrics: StoreMetrics

    init(metrics: StoreMetrics) {
        self.metrics = metrics
    }

    /// Publishes every pod of `store` (at start).
    func rebuild(from store: EventStore) {
        var names: [Int64: PodKey] = [:]
        var views: [PodKey: [ContainerResourcesView]] = [:]
        for stream in store.podStreams {
            guard let pod = store.podKey(ofStream: stream) else { continue }
            names[stream] = pod
            if views[pod] == nil { views[pod] = store.currentResources(namespace: pod.namespace, pod: pod.name) }
        }
        let head = store.headPosition
        state.withLockedValue { state in
            state.names = names
            state.views = views.filter { !$0.value.isEmpty }
            state.head = head
        }
    }

    /// Publishes the head after a commit, and again the pods of `streams` (the streams the
    /// commit's events other than usage samples belong to). Runs on the store's actor, the one
    /// writer, so what it reads of `state` outside the lock stays as read.
    func update(streams: Set<Int64>, from store: EventStore) {
        var changed: [PodKey: [ContainerResourcesView]] = [:]
        var renamed: [(Int64, PodKey)] = []
        let before = state.withLockedValue { state in streams.map { state.names[$0] } }
        for (stream, old) in zip(streams, before) {
            if let old { changed[old] = [] }
            guard let pod = store.podKey(ofStream: stream) else { continue }
            changed[pod] = []
            if pod != old { renamed.append((stream, pod)) }
        }
        for pod in changed.keys { changed[pod] = store.currentResources(namespace: pod.namespace, pod: pod.name) }
        let head = store.headPosition
        state.withLockedValue { state in
            for (pod, views) in changed { state.views[pod] = views.isEmpty ? nil : views }
            for (stream, pod) in renamed { state.names[stream] = pod }
            state.head = head
        }
    }

    /// Stops answering: later reads take the actor's way, which says the store is closed.
    func close() {
        state.withLockedValue { $0.open = false }
    }

    /// The answer to `request` when it is a point read of the present (one pod by namespace and
    /// name, optionally one container; no time, owner or paging); nil for any other request.
    func answer(_ request: ActualResourcesRequest) -> ActualResourcesResponse? {
        guard let namespace = request.namespace, let name = request.pod, request.at == nil, request.ownerKind == nil,
              request.ownerName == nil, request.limit == nil, request.pageAfter == nil else { return nil }
        let pod = PodKey(namespace: namespace, name: name)
        guard let (views, head) = state.withLockedValue({ state in state.open ? (state.views[pod] ?? [], state.head) : nil })
        else { return nil }
        var containers = views
        if let container = request.container { containers.removeAll { $0.container != container } }
        for index in containers.indices {
            // Every view carries the head it was read at, as the actor's answer does.
            containers[index].position = head
            metrics.resourcesRead(containers[index].source)
        }
        return ActualResourcesResponse(position: head, containers: containers, nextPageAfter: nil)
    }
}
