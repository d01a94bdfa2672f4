import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import StoreRPC
import StoreWire
import StoreAPI
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Issue 12, item 2: `/report` on the server's HTTP listener, over a real socket, behind the token.
@Suite struct ReportEndpointTests {
    static let token = "s3cret-token"

    /// One GET over a plain socket, `Connection: close`, read to the end. Not URLSession: on Linux
    /// it waits forever on a 401 that offers Basic authentication (it looks for credentials).
    static func get(port: Int, _ path: String, authorization: String? = nil) async throws
        -> (status: Int, body: String, headers: [String: String]) {
        try await offPool {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw HTTPFailure(description: "socket: errno \(errno)") }
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw HTTPFailure(description: "connect: errno \(errno)") }
            var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            if let authorization { request += "Authorization: \(authorization)\r\n" }
            request += "\r\n"
            let bytes = Array(request.utf8)
            guard write(descriptor, bytes, bytes.count) == bytes.count else { throw HTTPFailure(description: "write: errno \(errno)") }
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                guard count > 0 else { break }
                answer += buffer[0..<count]
            }
            let text = String(decoding: answer, as: UTF8.self)
            guard let split = text.range(of: "\r\n\r\n") else { throw HTTPFailure(description: "no HTTP answer: \(text)") }
            let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ")[1]) ?? 0
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased(), default: ""] += (headers[line[..<colon].lowercased()] == nil ? "" : ", ")
                    + line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return (status, String(text[split.upperBound...]), headers)
        }
    }

    struct HTTPFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Two pods of `web` and one of `api`, web-0 resized from 250m to 500m.
    static func ingest(_ server: TestServer, token: String) async throws {
        let client = server.client(token: token)
        _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
            .pod(Pods.pod("web-0")), .pod(Pods.pod("web-1")), .pod(Pods.pod("api-0", owner: "api-77f9"))]))
        _ = try await client.ingest(IngestRequest(observedAt: minute(10), observations: [.pod(Pods.pod("web-0", cpu: 500))]))
        await client.close()
    }

    @Test func theReportIsServedWithTheTokenAndRefusedWithoutIt() async throws {
        try await withServer({
            $0.metricsListen = .tcp(host: "127.0.0.1", port: 0)
            $0.token = Self.token
        }) { (server: TestServer) async throws in
            try await Self.ingest(server, token: Self.token)
            let port = try #require(server.server.metricsAddress?.port)
            let path = "/report?workload=shop%2FDeployment%2Fweb"

            let anonymous = try await Self.get(port: port, path)
            #expect(anonymous.status == 401)
            #expect(anonymous.body.contains("Authorization: Bearer"), "\(anonymous.body)")
            #expect(anonymous.headers["www-authenticate"]?.contains("Bearer realm=\"vpa-store\"") == true)
            #expect(anonymous.headers["www-authenticate"]?.contains("Basic realm=") == true)
            #expect(!anonymous.body.contains("<svg"))
            #expect(try await Self.get(port: port, path, authorization: "Bearer wrong-token").status == 401)
            #expect(try await Self.get(port: port, path, authorization: "Bearer \(Self.token)x").status == 401)
            // As long as the token and wrong in its last character only: the comparison is of the bytes.
            #expect(try await Self.get(port: port, path, authorization: "Bearer s3cret-tokeN").status == 401)

            let page = try await Self.get(port: port, path, authorization: "Bearer \(Self.token)")
            #expect(page.status == 200, "\(page.body)")
            #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
            let document = try XMLNode.parse(page.body)
            let lanes = document.all("svg", class: "lane")
            #expect(Set(lanes.compactMap { $0.attributes["data-pod"] }) == ["shop/web-0", "shop/web-1"])
            // web-0's desired request stepped once, from 250m to 500m.
            let cpu = try #require(lanes.first { $0.attributes["data-pod"] == "shop/web-0" && $0.attributes["data-resource"] == "cpu" })
            #expect(cpu.all("path", class: "desired-request").first?.attributes["data-changes"] == "1")

            // A browser's sign-in: HTTP Basic with the token as the password.
            let basic = "Basic " + Data("anyone:\(Self.token)".utf8).base64EncodedString()
            #expect(try await Self.get(port: port, "/report?pod=shop/web-1", authorization: basic).status == 200)
            let wrongBasic = "Basic " + Data("anyone:nope".utf8).base64EncodedString()
            #expect(try await Self.get(port: port, "/report?pod=shop/web-1", authorization: wrongBasic).status == 401)

            // Bad questions are 400 with the grammar.
            let nothing = try await Self.get(port: port, "/report", authorization: "Bearer \(Self.token)")
            #expect(nothing.status == 400 && nothing.body.contains("give pod NAMESPACE/NAME"), "\(nothing.body)")
            let badTime = try await Self.get(port: port, "/report?namespace=shop&since=yesterday", authorization: "Bearer \(Self.token)")
            #expect(badTime.status == 400 && badTime.body.contains("since=yesterday is not a time"), "\(badTime.body)")
            // No pod: a page that says so.
            let empty = try await Self.get(port: port, "/report?pod=shop/gone", authorization: "Bearer \(Self.token)")
            #expect(empty.status == 200)
            #expect(try XMLNode.parse(empty.body).all("p", class: "empty").count == 1)
            // /metrics and the probes stay open for Prometheus and the kubelet.
            #expect(try await Self.get(port: port, "/metrics").status == 200)
            #expect(try await Self.get(port: port, "/readyz").status == 200)
        }
    }

    @Test func withoutATokenTheReportIsOpenAndReadsWhatTheLogHolds() async throws {
        try await withServer({ $0.metricsListen = .tcp(host: "127.0.0.1", port: 0) }) { (server: TestServer) async throws in
            try await Self.ingest(server, token: "")
            let port = try #require(server.server.metricsAddress?.port)
            let page = try await Self.get(port: port, "/report?namespace=shop&since=2026-11-02T09:05:00Z")
            #expect(page.status == 200, "\(page.body)")
            let lanes = try XMLNode.parse(page.body).all("svg", class: "lane")
            #expect(Set(lanes.compactMap { $0.attributes["data-pod"] }) == ["shop/web-0", "shop/web-1", "shop/api-0"])
            // From --since on: web-0's request line starts at 09:05 at the 250m in effect then.
            #expect(lanes.allSatisfy { $0.attributes["data-start-ms"] == "\(minute(5).unixMilliseconds)" })
            // Reading does not write: the head is where the ingests left it.
            let client = server.client()
            let head = try await client.serverInfo().headPosition
            _ = try await Self.get(port: port, "/report?pod=shop/web-0")
            #expect(try await client.serverInfo().headPosition == head)
            await client.close()
        }
    }
}
