import Crypto
import Foundation
import NIOHTTP1

/// Maps requests to the state: authentication, injected failures, discovery, the resources and
/// their subresources, and the simulator's own fault endpoint.
struct APIRouter: Sendable {
    let state: APIState
    let token: String
    /// `127.0.0.1:PORT`, for `/api`'s server address.
    let serverAddress: String

    func handle(_ request: APIRequest) async -> APIAnswer {
        guard authorized(request) else { return .response(APIResponse(APIError.unauthorized)) }
        do throws(APIError) {
            if request.path.first == "simulator" { return .response(try await simulatorEndpoint(request)) }
            if let failure = await state.takeInjectedFailure() { throw failure }
            return try await route(request)
        } catch {
            return .response(APIResponse(error))
        }
    }

    /// A bearer token equal to the server's, compared in constant time.
    private func authorized(_ request: APIRequest) -> Bool {
        guard let header = request.headers.first(name: "authorization"), header.hasPrefix("Bearer ") else { return false }
        let given = SHA256.hash(data: Data(header.dropFirst("Bearer ".count).utf8))
        let expected = SHA256.hash(data: Data(token.utf8))
        return given == expected
    }

    private func route(_ request: APIRequest) async throws(APIError) -> APIAnswer {
        let path = request.path
        switch path.first {
        case "version"? where path.count == 1:
            return .response(APIResponse(json: Discovery.version))
        case "healthz"?, "livez"?, "readyz"?:
            return .response(APIResponse(body: Array("ok".utf8), contentType: "text/plain; charset=utf-8"))
        case "api"?:
            if path.count == 1 { return .response(APIResponse(json: Discovery.coreVersions(serverAddress: serverAddress))) }
            guard path[1] == "v1" else { throw APIError.pathNotFound }
            if path.count == 2 { return .response(APIResponse(json: Discovery.resourceList(group: "", version: "v1")!)) }
            return try await resource(request, group: "", version: "v1", rest: path[2...])
        case "apis"?:
            switch path.count {
            case 1: return .response(APIResponse(json: Discovery.groupList))
            case 2:
                guard let group = Discovery.group(named: path[1]) else { throw APIError.pathNotFound }
                return .response(APIResponse(json: group))
            case 3:
                guard let list = Discovery.resourceList(group: path[1], version: path[2]) else { throw APIError.pathNotFound }
                return .response(APIResponse(json: list))
            default:
                return try await resource(request, group: path[1], version: path[2], rest: path[3...])
            }
        default:
            throw APIError.pathNotFound
        }
    }

    /// `[namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]]` of one group/version.
    private func resource(_ request: APIRequest, group: String, version: String,
                          rest: ArraySlice<String>) async throws(APIError) -> APIAnswer {
        var rest = rest
        var namespace: String?
        if rest.first == "namespaces", rest.count >= 3 {
            namespace = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        guard let plural = rest.first, rest.count <= 3,
              let resource = ResourceType.all.first(where: { $0.group == group && $0.version == version && $0.plural == plural })
        else { throw APIError.pathNotFound }
        let name = rest.count >= 2 ? rest[rest.startIndex + 1] : nil
        let subresource = rest.count == 3 ? rest[rest.startIndex + 2] : nil
        if let subresource, !resource.subresources.contains(where: { $0.name == subresource }) { throw APIError.pathNotFound }

        if let name {
            guard let namespace else { throw APIError.pathNotFound }
            return .response(try await object(request, resource, ObjectKey(namespace: namespace, name: name), subresource: subresource))
        }
        switch request.method {
        case .GET:
            return try await collection(request, resource, namespace: namespace)
        case .POST:
            guard let namespace, resource.isVersioned, resource != .pods else { throw APIError.methodNotAllowed("POST") }
            return .response(APIResponse(status: 201, body: try await state.create(resource, namespace: namespace, body: request.jsonBody())))
        default:
            throw APIError.methodNotAllowed(request.method.rawValue)
        }
    }

    /// LIST or WATCH a collection.
    private func collection(_ request: APIRequest, _ resource: ResourceType, namespace: String?) async throws(APIError) -> APIAnswer {
        switch resource {
        case .podMetrics: return .response(APIResponse(body: await state.podMetricsList(namespace: namespace)))
        case .nodeMetrics: return .response(APIResponse(body: APIState.listBytes(.nodeMetrics, metadata: .emptyObject, items: [])))
        default: break
        }
        let selector = try FieldSelector(parsing: request.query["fieldSelector"] ?? "")
        if request.flag("watch") {
            var resourceVersion: UInt64?
            if let text = request.query["resourceVersion"], !text.isEmpty {
                guard let value = UInt64(text) else {
                    throw APIError.badRequest("resourceVersion: Invalid value: \"\(text)\": must be a number")
                }
                resourceVersion = value
            }
            // Capped at a day: a client's number must never reach clock arithmetic unbounded (a sleep
            // of Int64.max seconds overflows the deadline computation and traps).
            let timeout = request.query["timeoutSeconds"].flatMap(Int64.init).flatMap { $0 > 0 ? Duration.seconds(min($0, 86_400)) : nil }
            let filter = WatchFilter(resource: resource, namespace: namespace, selector: selector)
            return .watch(await state.watch(filter, from: resourceVersion, bookmarks: request.flag("allowWatchBookmarks"),
                                            timeout: timeout))
        }
        var limit: Int?
        if let text = request.query["limit"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else { throw APIError.badRequest("limit: Invalid value: \"\(text)\": must be 0 or more") }
            limit = value
        }
        let token = request.query["continue"].flatMap { $0.isEmpty ? nil : $0 }
        return .response(APIResponse(body: try await state.list(resource, namespace: namespace, selector: selector, limit: limit,
                                                                  continueToken: token)))
    }

    /// GET, PUT, PATCH, POST or DELETE on one object or its subresource.
    private func object(_ request: APIRequest, _ resource: ResourceType, _ key: ObjectKey,
                        subresource: String?) async throws(APIError) -> APIResponse {
        switch (request.method, resource, subresource) {
        case (.GET, .podMetrics, nil):
            return APIResponse(body: try await state.podMetrics(key))
        case (.GET, _, _) where resource.isVersioned:
            return APIResponse(body: try await state.get(resource, key))
        case (.PATCH, .pods, "resize"?):
            return APIResponse(body: try await state.resize(key, patch: request.jsonBody(), format: patchFormat(request)))
        case (.POST, .pods, "eviction"?):
            if !request.body.isEmpty, let body = try? request.jsonBody(), let name = body.value(atPath: "metadata.name")?.stringValue,
               name != key.name {
                throw APIError.badRequest("name in URL does not match name in Eviction object")
            }
            return APIResponse(status: 201, json: try await state.evict(key))
        case (.DELETE, .pods, nil):
            return APIResponse(body: try await state.deletePodThroughAPI(key))
        case (.PUT, .verticalPodAutoscalers, "status"?):
            return APIResponse(body: try await state.writeVPAStatus(key, replacement: request.jsonBody(), patch: nil))
        case (.PATCH, .verticalPodAutoscalers, "status"?):
            return APIResponse(body: try await state.writeVPAStatus(key, replacement: nil,
                                                                     patch: (request.jsonBody(), patchFormat(request))))
        case (.PUT, _, nil) where resource.isVersioned && resource != .pods:
            return APIResponse(body: try await state.update(resource, key, body: request.jsonBody()))
        case (.DELETE, _, nil) where resource.isVersioned && resource != .pods:
            return APIResponse(json: try await state.deleteObject(resource, key))
        default:
            throw APIError.methodNotAllowed(request.method.rawValue)
        }
    }

    private func patchFormat(_ request: APIRequest) throws(APIError) -> PatchFormat {
        guard let format = PatchFormat(contentType: request.contentType) else {
            throw APIError(code: 415, reason: "UnsupportedMediaType",
                           message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json")
        }
        return format
    }

    /// `POST /simulator/faults`: injects the faults the body names (`SimulatorFault.requestBody`).
    private func simulatorEndpoint(_ request: APIRequest) async throws(APIError) -> APIResponse {
        guard request.path == ["simulator", "faults"] else { throw APIError.pathNotFound }
        guard request.method == .POST else { throw APIError.methodNotAllowed(request.method.rawValue) }
        let faults = try SimulatorFault.parse(request.jsonBody())
        for fault in faults { await state.inject(fault) }
        return APIResponse(json: ["applied": .int(Int64(faults.count))])
    }
}
