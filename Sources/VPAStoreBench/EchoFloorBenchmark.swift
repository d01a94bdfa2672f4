import Foundation
import VPAModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The floor the RPC rows are compared with: a loopback TCP echo of a length-prefixed frame the
/// size of one answer, with plain blocking sockets and one thread per side — no event loop, no
/// protobuf, no store. What the RPC layer costs above it is its own.
///
/// The echo server reads a 4-byte big-endian length and that many bytes and writes them back; the
/// client sends a frame and reads it back (1 in flight), or keeps `inFlight` frames outstanding
/// on one connection (the reply to each is read before the next frame goes out), timing each
/// frame from its write to the end of its reply.
struct EchoFloorBenchmark {
    struct Row {
        var workload: String
        var calls: Int
        var seconds: Double
        var latencies: Latencies

        var callsPerSecond: Double { Double(calls) / seconds }
    }

    /// Bytes of the echoed frame after its length prefix.
    let frameBytes: Int
    let calls: Int
    let inFlight: Int

    func run() throws -> [Row] {
        let server = try EchoServer()
        defer { server.stop() }
        let client = try BlockingSocket.connect(port: server.port)
        defer { client.close() }
        var frame = [UInt8](repeating: 0x5a, count: 4 + frameBytes)
        frame.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(frameBytes).bigEndian, as: UInt32.self) }
        // Warm up the connection and both threads.
        _ = try oneInFlight(client, frame: frame, calls: min(2000, calls))
        return [try oneInFlight(client, frame: frame, calls: calls), try pipelined(client, frame: frame)]
    }

    private func oneInFlight(_ socket: BlockingSocket, frame: [UInt8], calls: Int) throws -> Row {
        var reply = [UInt8](repeating: 0, count: frame.count)
        var latencies = Latencies()
        let started = ContinuousClock.now
        for _ in 0..<calls {
            let begin = ContinuousClock.now
            try socket.write(frame)
            try socket.read(into: &reply)
            latencies.record(.now - begin)
        }
        return Row(workload: "1 connection, 1 in flight", calls: calls, seconds: (ContinuousClock.now - started).seconds,
                   latencies: latencies)
    }

    private func pipelined(_ socket: BlockingSocket, frame: [UInt8]) throws -> Row {
        var reply = [UInt8](repeating: 0, count: frame.count)
        var latencies = Latencies()
        // The echo keeps order, so the oldest write is the one each reply answers.
        var sentAt: [ContinuousClock.Instant] = []
        sentAt.reserveCapacity(calls)
        let started = ContinuousClock.now
        for _ in 0..<min(inFlight, calls) {
            sentAt.append(.now)
            try socket.write(frame)
        }
        for index in 0..<calls {
            try socket.read(into: &reply)
            latencies.record(.now - sentAt[index])
            if sentAt.count < calls {
                sentAt.append(.now)
                try socket.write(frame)
            }
        }
        return Row(workload: "1 connection, \(inFlight) in flight", calls: calls,
                   seconds: (ContinuousClock.now - started).seconds, latencies: latencies)
    }
}

/// A thread that accepts one connection on 127.0.0.1 and echoes its frames until it closes.
private final class EchoServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let thread: Thread

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw BenchError("echo floor: socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && listen(listener, 1) == 0
                    && getsockname(listener, address, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(listener)
            throw BenchError("echo floor: could not listen on 127.0.0.1: errno \(errno)")
        }
        self.listener = listener
        self.port = UInt16(bigEndian: address.sin_port)
        thread = Thread { [listener] in
            let accepted = accept(listener, nil, nil)
            guard accepted >= 0 else { return }
            let connection = BlockingSocket(descriptor: accepted)
            defer { connection.close() }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                guard let length = try? connection.readLength(), Int(length) <= buffer.count - 4,
                      (try? connection.read(into: &buffer, from: 4, count: Int(length))) != nil else { return }
                buffer.withUnsafeMutableBytes { $0.storeBytes(of: length.bigEndian, as: UInt32.self) }
                guard (try? connection.write(buffer, count: 4 + Int(length))) != nil else { return }
            }
        }
        thread.start()
    }

    /// Closes the listener; the echo thread ends when its client closes.
    func stop() { Glibc.close(listener) }
}

/// A connected TCP socket with Nagle off, read and written whole.
private struct BlockingSocket {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    static func connect(port: UInt16) throws -> BlockingSocket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard descriptor >= 0, connected else { throw BenchError("echo floor: could not connect to 127.0.0.1:\(port): errno \(errno)") }
        return BlockingSocket(descriptor: descriptor)
    }

    func write(_ bytes: [UInt8], count: Int? = nil) throws {
        let total = count ?? bytes.count
        var written = 0
        try bytes.withUnsafeBytes { buffer in
            while written < total {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, total - written)
                guard result > 0 else { throw BenchError("echo floor: write failed: errno \(errno)") }
                written += result
            }
        }
    }

    func read(into buffer: inout [UInt8], from start: Int = 0, count: Int? = nil) throws {
        let count = count ?? buffer.count - start
        try buffer.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }

    func readLength() throws -> UInt32 {
        var prefix: UInt32 = 0
        try withUnsafeMutableBytes(of: &prefix) { try read(into: $0) }
        return UInt32(bigEndian: prefix)
    }

    private func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            let result = Glibc.read(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            guard result > 0 else { throw BenchError("echo floor: the connection closed") }
            offset += result
        }
    }

    func close() { Glibc.close(descriptor) }
}
