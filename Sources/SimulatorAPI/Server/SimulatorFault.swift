/// A fault a test injects into the simulated API server, to exercise a client's error handling.
///
/// Also reachable over HTTPS as `POST /simulator/faults` (with the bearer token) with a JSON body
/// naming one or more: `{"closeWatches":true}`, `{"failRequests":{"count":3,"status":429,
/// "retryAfterSeconds":1}}`, `{"dropHistory":true}`, `{"refuseEvictions":true}` — see `requestBody`.
public enum SimulatorFault: Hashable, Sendable {
    /// Closes every open watch now, mid-stream: the connection drops without the end of the chunked body.
    case closeWatches
    /// The next `count` Kubernetes API requests answer HTTP `status` (500, 429, 503…) with a Status
    /// body, and a `Retry-After` header when `retryAfterSeconds` is given.
    case failRequests(count: Int, status: Int, retryAfterSeconds: Int? = nil)
    /// Forgets the change history now: a watch or a continued list from any older resourceVersion
    /// answers 410 Expired.
    case dropHistory
    /// While true, evictions answer 429 TooManyRequests as a PodDisruptionBudget refusal does.
    case refuseEvictions(Bool)

    /// The JSON body that injects this fault through `POST /simulator/faults`.
    public var requestBody: String {
        switch self {
        case .closeWatches: return #"{"closeWatches":true}"#
        case .dropHistory: return #"{"dropHistory":true}"#
        case .refuseEvictions(let refuse): return #"{"refuseEvictions":\#(refuse)}"#
        case .failRequests(let count, let status, let retryAfter):
            let retry = retryAfter.map { #","retryAfterSeconds":\#($0)"# } ?? ""
            return #"{"failRequests":{"count":\#(count),"status":\#(status)\#(retry)}}"#
        }
    }

    /// The faults a `POST /simulator/faults` body names.
    static func parse(_ body: JSON) throws(APIError) -> [SimulatorFault] {
        guard let members = body.members else { throw APIError.badRequest("expected a JSON object naming faults") }
        var faults: [SimulatorFault] = []
        for (key, value) in members {
            switch (key, value) {
            case ("closeWatches", .bool(true)): faults.append(.closeWatches)
            case ("closeWatches", .bool(false)), ("dropHistory", .bool(false)): break
            case ("dropHistory", .bool(true)): faults.append(.dropHistory)
            case ("refuseEvictions", .bool(let refuse)): faults.append(.refuseEvictions(refuse))
            case ("failRequests", .object):
                guard case .int(let count)? = value["count"], case .int(let status)? = value["status"],
                      (0...1_000_000).contains(count), (400...599).contains(status)
                else { throw APIError.badRequest("failRequests needs count (0 or more) and status (400–599)") }
                var retryAfter: Int?
                if case .int(let seconds)? = value["retryAfterSeconds"], (0...3600).contains(seconds) { retryAfter = Int(seconds) }
                faults.append(.failRequests(count: Int(count), status: Int(status), retryAfterSeconds: retryAfter))
            default:
                throw APIError.badRequest("unknown fault \"\(key)\": expected closeWatches, failRequests, dropHistory or refuseEvictions")
            }
        }
        return faults
    }
}
