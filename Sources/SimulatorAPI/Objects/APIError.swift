/// A failure answered as the API server answers it: an HTTP status with a `kind: Status` body.
struct APIError: Error, Sendable {
    /// The HTTP status code, also the Status's `code`.
    var code: Int
    /// The Status's `reason` (`NotFound`, `Conflict`, `Expired`…).
    var reason: String
    /// The Status's `message`, the sentence kubectl prints.
    var message: String
    /// The Status's `details`, when the API server gives some.
    var details: JSON?
    /// Seconds for a `Retry-After` header (429 and 5xx).
    var retryAfterSeconds: Int?

    /// The `kind: Status` object.
    var status: JSON {
        var object = JSONObjectBuilder()
        object["kind"] = "Status"
        object["apiVersion"] = "v1"
        object["metadata"] = .emptyObject
        object["status"] = "Failure"
        object["message"] = .string(message)
        object["reason"] = .string(reason)
        object["details"] = details
        object["code"] = .int(Int64(code))
        return object.json
    }

    /// 404: `pods "web-1" not found`.
    static func notFound(_ resource: ResourceType, name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
                 details: resource.details(name: name))
    }

    /// 409 on a stale `metadata.resourceVersion`, in the API server's words.
    static func conflict(_ resource: ResourceType, name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                 details: resource.details(name: name))
    }

    /// 409 on a create of a name that exists.
    static func alreadyExists(_ resource: ResourceType, name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedName) \"\(name)\" already exists",
                 details: resource.details(name: name))
    }

    /// 422 for one field, worded as the API server's validation words it (`Pod "web-1" is invalid:
    /// spec.containers[0].resources.requests: Invalid value: "2": must be …`), with the cause kubectl prints.
    static func invalid(_ resource: ResourceType, name: String, field: String, forbidden: Bool = false, _ detail: String) -> APIError {
        let cause = (forbidden ? "Forbidden: " : "Invalid value: ") + detail
        var details = JSONObjectBuilder()
        details["name"] = .string(name)
        details["group"] = resource.group.isEmpty ? nil : .string(resource.group)
        details["kind"] = .string(resource.kind)
        details["causes"] = [["reason": .string(forbidden ? "FieldValueForbidden" : "FieldValueInvalid"),
                              "message": .string(cause), "field": .string(field)]]
        return APIError(code: 422, reason: "Invalid", message: "\(resource.kind) \"\(name)\" is invalid: \(field): \(cause)",
                        details: details.json)
    }

    /// 422 for a patch that cannot apply (a JSON patch path that does not exist).
    static func unprocessable(_ message: String) -> APIError {
        APIError(code: 422, reason: "Invalid", message: message)
    }

    /// 400.
    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 405.
    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource (\(method))")
    }

    /// 404 for a path the server does not serve, as the API server answers an unknown path.
    static let pathNotFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    /// 401, as the API server answers a missing or wrong bearer token.
    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// 410 for a watch from a resourceVersion the server no longer holds (the watch cache's words).
    static func expired(resourceVersion: UInt64, oldestAvailable: UInt64) -> APIError {
        APIError(code: 410, reason: "Expired", message: "too old resource version: \(resourceVersion) (\(oldestAvailable))")
    }

    /// 410 for a `continue` token from a list the server can no longer complete consistently.
    static let continueExpired = APIError(
        code: 410, reason: "Expired",
        message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")

    /// A fault injected by a test: the status it asked for, worded as the API server words it.
    static func injected(code: Int, retryAfterSeconds: Int?) -> APIError {
        switch code {
        case 429:
            return APIError(code: 429, reason: "TooManyRequests", message: "the server has received too many requests and has asked us to try again later",
                            details: retryAfterSeconds.map { ["retryAfterSeconds": .int(Int64($0))] }, retryAfterSeconds: retryAfterSeconds)
        case 500:
            return APIError(code: 500, reason: "InternalError", message: "Internal error occurred: injected by the simulator",
                            retryAfterSeconds: retryAfterSeconds)
        case 503:
            return APIError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request",
                            retryAfterSeconds: retryAfterSeconds)
        case 504:
            return APIError(code: 504, reason: "Timeout", message: "the server was unable to return a response in the time allotted, but may still be processing the request",
                            retryAfterSeconds: retryAfterSeconds)
        default:
            return APIError(code: code, reason: "Unknown", message: "injected by the simulator: HTTP \(code)",
                            retryAfterSeconds: retryAfterSeconds)
        }
    }
}
