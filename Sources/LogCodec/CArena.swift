import CStoreProto
import StoreAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the C memory a protobuf-c message graph points into while it is being packed.
///
/// protobuf-c messages hold raw pointers (`char *` strings, sub-message pointers, arrays of
/// pointers). Building one from Swift values means allocating those, and they must outlive the
/// `pack` call; the arena frees all of them at once when it goes away, so no path can leak or
/// double-free. One arena serves one encode call on one thread.
package final class CArena {
    fileprivate var allocations: [UnsafeMutableRawPointer] = []

    package init() {
        allocations.reserveCapacity(32)
    }

    deinit {
        for pointer in allocations { free(pointer) }
    }

    /// A NUL-terminated copy of `string`. protobuf-c reads it up to the first NUL, so a Swift string
    /// with an embedded NUL is cut there (Kubernetes names and reasons never contain one).
    package func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let pointer = string.withCString { strdup($0)! }
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    /// `cString`, or NULL (the proto2 encoding of "absent") for `nil`.
    package func optionalCString(_ string: String?) -> UnsafeMutablePointer<CChar>? {
        string.map(cString)
    }

    /// One message of type `T`, initialised by its protobuf-c `__init` function.
    package func message<T>(_ initialize: (UnsafeMutablePointer<T>) -> Void) -> UnsafeMutablePointer<T> {
        let raw = malloc(MemoryLayout<T>.stride)!
        allocations.append(raw)
        let pointer = raw.bindMemory(to: T.self, capacity: 1)
        initialize(pointer)
        return pointer
    }

    /// An array of `count` message pointers (a protobuf-c repeated message field), or NULL when empty.
    /// A repeated field's count and array, set in one statement:
    /// `(m.pointee.n_items, m.pointee.items) = arena.repeated(items)`.
    package func repeated<T>(_ elements: [UnsafeMutablePointer<T>]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<T>?>?) {
        (elements.count, pointerArray(elements))
    }

    private func pointerArray<T>(_ elements: [UnsafeMutablePointer<T>]) -> UnsafeMutablePointer<UnsafeMutablePointer<T>?>? {
        guard !elements.isEmpty else { return nil }
        let raw = malloc(MemoryLayout<UnsafeMutablePointer<T>?>.stride * elements.count)!
        allocations.append(raw)
        let array = raw.bindMemory(to: UnsafeMutablePointer<T>?.self, capacity: elements.count)
        for (index, element) in elements.enumerated() { array[index] = element }
        return array
    }
}

/// Packs any initialised protobuf-c message into bytes.
package func packMessage<T>(_ message: UnsafeMutablePointer<T>) -> [UInt8] {
    message.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { base in
        let size = protobuf_c_message_get_packed_size(base)
        return [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
            count = protobuf_c_message_pack(base, buffer.baseAddress!)
        }
    }
}

extension CArena {
    /// A copy of `bytes` in C memory owned by the arena.
    package func copyBytes(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8> {
        let raw = malloc(max(bytes.count, 1))!
        allocations.append(raw)
        if !bytes.isEmpty { bytes.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) } }
        return raw.bindMemory(to: UInt8.self, capacity: bytes.count)
    }
}
