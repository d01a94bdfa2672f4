import EventStore
import Foundation
import NIOHTTP1
import OperationsHTTP
import ResourceReport
import StoreAPI
import StoreRPC
import StoreWire
import VPAModel

/// `/report` on the server's HTTP listener (`--metrics-listen`): the page `vpa-store report` writes,
/// drawn from the store as it is now. Read-only: it reads the log through the store's own read
/// path (the pages `ReadEvents` serves), one page per turn of the store's actor, so writes go on
/// between pages.
///
/// `?pod=NS/NAME`, `?workload=NS/KIND/NAME` or `?namespace=NS` (the grammar of `vpa-store report`),
/// with `since` and `until` as its flags take them. With `--token-file`, the token is required as
/// the RPC requires it in the hello (compared in constant time): `Authorization: Bearer TOKEN`, or
/// HTTP Basic with the token as the password (any user name), which a browser asks for itself;
/// without it the answer is 401. `/metrics` and the probes stay open, for Prometheus and the kubelet.
enum ReportPage {
    static func page(store: LocalStore, configuration: ServeConfiguration) -> OperationsPage {
        OperationsPage(path: "/report") { request in
            // A server that admits RPC peers by client certificate alone has no secret the plain-HTTP
            // listener could ask for: it does not hand the store's contents to whoever reaches that port.
            if configuration.token == nil, configuration.tls?.requiresClientCertificate == true {
                return .text(.forbidden, "this server admits peers by client certificate and has no --token-file; "
                             + "/report is served only with a token: give serve --token-file")
            }
            if let token = configuration.token, !authorized(request.headers, token: token) {
                let presented = request.headers.first(name: "Authorization") != nil
                return .text(.unauthorized, presented
                             ? "the token is not valid: send Authorization: Bearer TOKEN (the contents of the server's --token-file)"
                             : "this server requires a token: send Authorization: Bearer TOKEN (the contents of the server's --token-file), or sign in with the token as the password",
                             headers: [("WWW-Authenticate", "Bearer realm=\"vpa-store\""),
                                       ("WWW-Authenticate", "Basic realm=\"vpa-store report\", charset=\"UTF-8\"")])
            }
            let subject: ReportSubject
            var since: Timestamp?, until: Timestamp?
            do throws(ReportSubjectError) {
                subject = try ReportSubject.parse(pod: request.parameter("pod"), workload: request.parameter("workload"),
                                                  namespace: request.parameter("namespace"),
                                                  flags: ("pod", "workload", "namespace"))
            } catch {
                return .text(.badRequest, "\(error.description); for example /report?pod=shop/web-7d9c5-abcde")
            }
            let now = Timestamp.now
            for (name, value) in [("since", request.parameter("since")), ("until", request.parameter("until"))] {
                guard let value else { continue }
                guard let time = Timestamp(argument: value, now: now) else {
                    return .text(.badRequest, "\(name)=\(value) is not a time: give \(Timestamp.argumentGrammar)")
                }
                if name == "since" { since = time } else { until = time }
            }
            if let since, let until, until <= since {
                return .text(.badRequest, "until=\(until.rfc3339) is not after since=\(since.rfc3339)")
            }
            let source = StoreReportSource(store: store)
            let history: ReportHistory
            do {
                history = try await ReportHistory.load(subject, since: since, until: until, from: source)
            } catch {
                return .text(.serviceUnavailable, "the store could not be read: \(error)")
            }
            let report = ResourceReport.render(history, options: ReportOptions(
                sourceName: "the store \(configuration.databasePath)", generatedAt: now, timeouts: configuration.timeouts))
            return OperationsResponse(status: .ok, contentType: "text/html; charset=utf-8", body: Array(report.html.utf8),
                                      headers: [("Cache-Control", "no-store")])
        }
    }

    /// Whether the request carries `token`: `Bearer TOKEN`, or `Basic` with the token as the password.
    static func authorized(_ headers: HTTPHeaders, token: String) -> Bool {
        for value in headers["Authorization"] {
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let scheme = parts[0].lowercased(), credentials = parts[1].trimmingCharacters(in: .whitespaces)
            if scheme == "bearer", constantTimeEqual(token, credentials) { return true }
            if scheme == "basic", let decoded = Data(base64Encoded: credentials),
               let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":"),
               constantTimeEqual(token, String(pair[pair.index(after: colon)...])) {
                return true
            }
        }
        return false
    }
}

/// The report's reads on the server: `ReadEvents`' pages from the local store (through its gate,
/// which keeps the store open while a read is inside), from the first position still in the log.
struct StoreReportSource: ReportEventSource {
    let store: LocalStore

    func eachEventPage(_ selector: EventSelector, _ body: ([EventRecord]) throws -> Void) async throws {
        // A compacted log starts later: the history is drawn from its first position.
        var from = max(1, try await store.serverInfo().firstPosition)
        while true {
            let page = try await store.readEvents(ReadEventsRequest(fromPosition: from, limit: 1000, selector: selector))
            if !page.events.isEmpty { try body(page.events) }
            if page.nextPosition > page.headPosition || page.nextPosition <= from { return }
            from = page.nextPosition
        }
    }
}
