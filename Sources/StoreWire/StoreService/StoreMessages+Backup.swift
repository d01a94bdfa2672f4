import LogCodec
import CStoreProto
import StoreAPI

// Backup: the request, and the messages of its stream (proto/vpa/store/v1/store.proto, BackupChunk).

/// Backup's request (no fields).
public struct BackupRequest: Hashable, Sendable {
    public init() {}
}

/// What a backup holds, as of the snapshot it copied.
public struct BackupInfo: Hashable, Sendable {
    /// The last event's position: the backup holds every event up to it.
    public var headPosition: Int64
    /// Events in the backup (fewer than `headPosition` where events were removed, as by usage retention).
    public var eventCount: Int64
    /// The size of the database file, in bytes.
    public var totalBytes: UInt64
    public var storeID: String

    public init(headPosition: Int64, eventCount: Int64, totalBytes: UInt64, storeID: String) {
        self.headPosition = headPosition
        self.eventCount = eventCount
        self.totalBytes = totalBytes
        self.storeID = storeID
    }
}

/// One message of a Backup stream: what the backup holds, then the file's bytes in order, then the
/// file's SHA-256.
public enum BackupChunk: Hashable, Sendable {
    /// The first message.
    case info(BackupInfo)
    /// The next bytes of the file, which start at `offset`.
    case data(offset: UInt64, bytes: [UInt8])
    /// The last message: the 32-byte SHA-256 of the whole file.
    case end(sha256: [UInt8])

    /// The most file bytes one message carries.
    public static let maximumDataBytes = 1 << 20
    /// Room a data message needs around its bytes: the `offset` and `data` keys and lengths.
    public static let dataOverheadBytes = 32
}

extension BackupRequest: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        return packMessage(arena.message(vpa__store__v1__backup_request__init))
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.BackupRequest", vpa__store__v1__backup_request__unpack,
                                 vpa__store__v1__backup_request__free_unpacked) { _ in BackupRequest() }
    }
}

extension BackupChunk: WireMessage {
    public func encoded() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(vpa__store__v1__backup_chunk__init)
        switch self {
        case .info(let info):
            let i = arena.message(vpa__store__v1__backup_info__init)
            i.pointee.head_position = info.headPosition
            i.pointee.event_count = info.eventCount
            i.pointee.total_bytes = info.totalBytes
            i.pointee.store_id = arena.cString(info.storeID)
            m.pointee.info = i
        case .data(let offset, let bytes):
            m.pointee.offset = offset
            m.pointee.data = arena.binary(bytes)
        case .end(let sha256):
            m.pointee.sha256 = arena.binary(sha256)
        }
        return withExtendedLifetime(arena) { packMessage(m) }
    }

    /// Decodes one message of the stream; a message that is none of the three kinds (or more than
    /// one), or a digest that is not 32 bytes, is an error naming the field.
    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try decodeMessage(bytes, "vpa.store.v1.BackupChunk", vpa__store__v1__backup_chunk__unpack,
                                 vpa__store__v1__backup_chunk__free_unpacked) { (m) throws(WireError) in
            let kinds = (m.info != nil ? 1 : 0) + (m.data.len > 0 ? 1 : 0) + (m.sha256.len > 0 ? 1 : 0)
            guard kinds == 1 else {
                throw .invalidValue(field: "BackupChunk", reason: "\(kinds) of info, data and sha256 are set; exactly one must be")
            }
            if let info = m.info?.pointee {
                guard info.head_position >= 0, info.event_count >= 0 else {
                    throw .invalidValue(field: "BackupChunk.info", reason: "a negative head_position or event_count")
                }
                return .info(BackupInfo(headPosition: info.head_position, eventCount: info.event_count,
                                        totalBytes: info.total_bytes, storeID: wireString(info.store_id)))
            }
            if m.data.len > 0 { return .data(offset: m.offset, bytes: bytesOf(m.data)) }
            guard m.sha256.len == 32 else {
                throw .invalidValue(field: "BackupChunk.sha256", reason: "\(m.sha256.len) bytes; a SHA-256 has 32")
            }
            return .end(sha256: bytesOf(m.sha256))
        }
    }
}
