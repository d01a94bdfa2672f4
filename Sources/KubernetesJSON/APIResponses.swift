import VPAModel

/// Decoders for what the Kubernetes API server answers, as a client reading it directly sees it:
/// one page of a LIST, one line of a WATCH, a `Status`.
///
/// They share the decoders of `KubernetesInput` (one Pod model), with one difference: an object the
/// decoders refuse spoils only itself. A feed skips it and goes on; a file given to `ingest` is
/// refused whole.
public enum APIResponseDecoder {
    /// Decodes one page of a LIST answer (`PodList`, `VerticalPodAutoscalerList`, …). Items that omit
    /// their kind (the API server's own lists do) are decoded as `itemKind`.
    ///
    /// - Throws: when the page itself is not a list (bad JSON, no `items`): nothing in it can be trusted.
    public static func listPage(_ bytes: [UInt8], itemKind: String, source: String) throws(KubernetesInputError) -> APIListPage {
        let reader = try topLevelObject(bytes, source: source)
        do throws(FieldError) {
            let metadata = try reader.object("metadata")
            var page = APIListPage(resourceVersion: try metadata?.nonEmptyString("resourceVersion") ?? "",
                                   continueToken: try metadata?.nonEmptyString("continue"),
                                   items: [])
            guard reader.contains("items") else {
                throw FieldError(path: reader.path.appending("items"), message: "missing required field (not a list)")
            }
            guard case .array(let items)? = reader.value("items") else { return page }
            page.items.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                page.items.append(decodeItem(item, path: reader.path.appending("items").appending(index: index),
                                             kind: itemKind, type: nil, source: source))
            }
            return page
        } catch {
            throw KubernetesInputError(file: source, document: 1, line: nil, fieldPath: error.path.description,
                                       message: error.message)
        }
    }

    /// Decodes one WATCH event: one line of the chunked answer to `?watch=1`.
    ///
    /// - Throws: when the line is not a watch event at all (bad JSON, unknown type); an object of a
    ///   good event that the decoders refuse comes back as `.object` with a failed item instead.
    public static func watchEvent(_ bytes: [UInt8], itemKind: String, source: String) throws(KubernetesInputError) -> APIWatchEvent {
        let reader = try topLevelObject(bytes, source: source)
        do throws(FieldError) {
            let type = try reader.requiredString("type")
            let object = try reader.requiredObject("object")
            switch type {
            case "ADDED", "MODIFIED", "DELETED":
                let eventType = WatchEventType(rawValue: type)!
                return .object(eventType, decodeItem(.object(object.object), path: object.path, kind: itemKind,
                                                     type: eventType, source: source))
            case "BOOKMARK":
                let version = try object.object("metadata")?.nonEmptyString("resourceVersion")
                guard let version else {
                    throw FieldError(path: object.path.appending("metadata").appending("resourceVersion"),
                                     message: "missing required field (a bookmark carries a resourceVersion)")
                }
                return .bookmark(resourceVersion: version)
            case "ERROR":
                return .error(try status(object))
            default:
                throw FieldError(path: reader.path.appending("type"),
                                 message: "unknown watch event type \"\(type)\" (expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR)")
            }
        } catch {
            throw KubernetesInputError(file: source, document: 1, line: nil, fieldPath: error.path.description,
                                       message: error.message)
        }
    }

    /// The `Status` in an error answer's body, or nil when the body is not one (a proxy's HTML page).
    public static func status(_ bytes: [UInt8]) -> APIStatus? {
        guard let reader = try? topLevelObject(bytes, source: ""), (try? reader.string("kind")) == "Status" else { return nil }
        return try? status(reader)
    }

    /// The `metadata.resourceVersion` of a single object answer (GET, PUT, PATCH), or nil.
    public static func resourceVersion(_ bytes: [UInt8]) -> String? {
        guard let reader = try? topLevelObject(bytes, source: "") else { return nil }
        return (try? reader.object("metadata")?.nonEmptyString("resourceVersion")) ?? nil
    }

    static func status(_ reader: FieldReader) throws(FieldError) -> APIStatus {
        APIStatus(code: Int(try reader.int64("code") ?? 0), reason: try reader.nonEmptyString("reason") ?? "",
                  message: try reader.nonEmptyString("message") ?? "")
    }

    static func topLevelObject(_ bytes: [UInt8], source: String) throws(KubernetesInputError) -> FieldReader {
        var stream = JSONStreamReader(bytes: bytes)
        let value: JSONValue
        do throws(JSONSyntaxError) {
            guard let next = try stream.nextValue() else {
                throw JSONSyntaxError(offset: 0, message: "empty answer")
            }
            value = next.value
        } catch {
            throw KubernetesInputError(file: source, document: 1, line: stream.line(atOffset: error.offset), fieldPath: "",
                                       message: "invalid JSON: \(error.message)")
        }
        do throws(FieldError) {
            return try FieldReader(value, path: .root, lenientScalars: false)
        } catch {
            throw KubernetesInputError(file: source, document: 1, line: nil, fieldPath: "", message: error.message)
        }
    }

    /// One object, decoded on its own: its failure is its own.
    static func decodeItem(_ value: JSONValue, path: FieldPath, kind: String, type: WatchEventType?, source: String) -> APIItem {
        guard case .object(let object) = value else {
            let error = KubernetesInputError(file: source, document: 1, line: nil, fieldPath: path.description,
                                             message: "expected an object, found \(value.typeName)")
            return APIItem(namespace: nil, name: nil, resourceVersion: nil, uid: nil, result: .failure(error))
        }
        let reader = FieldReader(object: object, path: path, lenientScalars: false)
        let metadata = try? reader.object("metadata")
        let namespace = (try? metadata?.nonEmptyString("namespace")) ?? nil
        let name = (try? metadata?.nonEmptyString("name")) ?? nil
        let version = (try? metadata?.nonEmptyString("resourceVersion")) ?? nil
        let uid = (try? metadata?.nonEmptyString("uid")) ?? nil
        do throws(FieldError) {
            let objectKind = try reader.nonEmptyString("kind") ?? kind
            var objects = try DocumentDecoder.decode(reader, kind: objectKind)
            if type == .deleted {
                objects = objects.map { object in
                    switch object {
                    case .pod(let pod): .podDeleted(pod)
                    case .vpa(let vpa): .vpaDeleted(vpa)
                    case .eviction: .ignored(kind: "Event", reason: "watch DELETED of an Event")
                    default: object
                    }
                }
            }
            return APIItem(namespace: namespace, name: name, resourceVersion: version, uid: uid, result: .success(objects))
        } catch {
            let failure = KubernetesInputError(file: source, document: 1, line: nil, fieldPath: error.path.description,
                                               message: error.message)
            return APIItem(namespace: namespace, name: name, resourceVersion: version, uid: uid, result: .failure(failure))
        }
    }
}

/// The type of a watch event that carries an object.
public enum WatchEventType: String, Hashable, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One line of a WATCH answer.
public enum APIWatchEvent: Sendable {
    /// ADDED, MODIFIED or DELETED, with the object (or why it could not be decoded).
    case object(WatchEventType, APIItem)
    /// A bookmark: the watch has seen everything up to this resourceVersion.
    case bookmark(resourceVersion: String)
    /// The watch broke; the object is a `Status` (410 Expired: the version is too old, relist).
    case error(APIStatus)
}

/// One page of a LIST answer.
public struct APIListPage: Sendable {
    /// `metadata.resourceVersion`: the version the list is consistent at.
    public var resourceVersion: String
    /// `metadata.continue`: the token for the next page, nil on the last one.
    public var continueToken: String?
    /// The items, in the answer's order.
    public var items: [APIItem]

    /// A page.
    public init(resourceVersion: String, continueToken: String?, items: [APIItem]) {
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.items = items
    }
}

/// One object of an answer: what its metadata says, and what it decoded to or why it did not.
public struct APIItem: Sendable {
    /// `metadata.namespace`, when readable.
    public var namespace: String?
    /// `metadata.name`, when readable.
    public var name: String?
    /// `metadata.resourceVersion`, when readable.
    public var resourceVersion: String?
    /// `metadata.uid`, when readable.
    public var uid: String?
    /// The decoded objects (a Pod decodes to one), or the decoder's error naming the field.
    public var result: Result<[KubernetesObject], KubernetesInputError>

    /// An item.
    public init(namespace: String?, name: String?, resourceVersion: String?, uid: String?,
                result: Result<[KubernetesObject], KubernetesInputError>) {
        self.namespace = namespace
        self.name = name
        self.resourceVersion = resourceVersion
        self.uid = uid
        self.result = result
    }

    /// `namespace/name`, or what is known of it, for log lines.
    public var displayName: String {
        switch (namespace, name) {
        case let (namespace?, name?): "\(namespace)/\(name)"
        case let (nil, name?): name
        default: "(unnamed)"
        }
    }
}

/// A `Status` object, as the API server answers errors (and as a watch `ERROR` event carries).
public struct APIStatus: Error, Hashable, Sendable, CustomStringConvertible {
    /// The HTTP status code it stands for (410 for an expired resourceVersion).
    public var code: Int
    /// The machine-readable reason (`Expired`, `NotFound`, `TooManyRequests`, …); may be empty.
    public var reason: String
    /// The human-readable message; may be empty.
    public var message: String

    /// A status.
    public init(code: Int, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    /// True for 410 Gone / reason `Expired` or `Gone`: the resourceVersion is older than the API
    /// server keeps, and a reflector must relist.
    public var isExpired: Bool { code == 410 || reason == "Expired" || reason == "Gone" }

    public var description: String {
        var text = "\(code)"
        if !reason.isEmpty { text += " \(reason)" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}
