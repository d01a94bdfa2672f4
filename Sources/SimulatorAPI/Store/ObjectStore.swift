/// The objects the simulated API server serves, versioned as etcd versions them: one counter for
/// the whole store, and every change of any object takes the next value as its resourceVersion.
///
/// The store keeps the last `historyLimit` changes (its compaction window). From them it serves
/// watches that resume from a resourceVersion and the later pages of a list at the first page's
/// resourceVersion; anything older is gone (410), as in a real cluster.
struct ObjectStore: Sendable {
    /// The current object and its parsed form, for patches and for the final state a deletion carries.
    struct LiveObject: Sendable {
        var version: ObjectVersion
        var object: JSON
    }

    /// One page of a list.
    struct ListPage: Sendable {
        /// The resourceVersion the list shows the store at.
        var resourceVersion: UInt64
        var items: [ObjectVersion]
        /// The token for the next page, when there is one.
        var continueToken: String?
        /// Objects after this page, when there are more pages.
        var remainingItemCount: Int?
    }

    /// The newest resourceVersion given out.
    private(set) var resourceVersion: UInt64
    /// Changes with a resourceVersion up to this one are gone: a watch or a continued list from an
    /// older version answers 410. The watch cache's `oldest - 1`.
    private(set) var compactedThrough: UInt64
    /// How many changes the history keeps.
    let historyLimit: Int

    private var objects: [ResourceType: [ObjectKey: LiveObject]] = [:]
    /// Keys in order per resource; nil after a creation or deletion until a list needs them again.
    private var sortedKeys: [ResourceType: [ObjectKey]] = [:]
    /// Changes in resourceVersion order; the live part starts at `historyStart`.
    private var history: [Change] = []
    private var historyStart = 0

    /// An empty store whose first change will get `initialResourceVersion + 1`.
    init(historyLimit: Int, initialResourceVersion: UInt64 = 1000) {
        self.historyLimit = max(1, historyLimit)
        resourceVersion = initialResourceVersion
        compactedThrough = initialResourceVersion
    }

    /// The current object at `key`.
    func get(_ resource: ResourceType, _ key: ObjectKey) -> LiveObject? {
        objects[resource]?[key]
    }

    /// How many objects of `resource` exist.
    func count(_ resource: ResourceType) -> Int { objects[resource]?.count ?? 0 }

    /// Creates or replaces the object at `key`; it gets the next resourceVersion.
    @discardableResult
    mutating func put(_ resource: ResourceType, _ key: ObjectKey, _ object: JSON) -> Change {
        resourceVersion += 1
        let live = Self.live(key: key, object: object, resourceVersion: resourceVersion)
        let previous = objects[resource, default: [:]].updateValue(live, forKey: key)
        if previous == nil { sortedKeys[resource] = nil }
        let change = Change(resource: resource, type: previous == nil ? .added : .modified, object: live.version,
                            previous: previous?.version)
        record(change)
        return change
    }

    /// Deletes the object at `key`; the deletion gets the next resourceVersion. Nil when there is none.
    @discardableResult
    mutating func delete(_ resource: ResourceType, _ key: ObjectKey) -> Change? {
        guard let previous = objects[resource]?.removeValue(forKey: key) else { return nil }
        sortedKeys[resource] = nil
        resourceVersion += 1
        let final = Self.live(key: key, object: previous.object, resourceVersion: resourceVersion)
        let change = Change(resource: resource, type: .deleted, object: final.version, previous: previous.version)
        record(change)
        return change
    }

    private static func live(key: ObjectKey, object: JSON, resourceVersion: UInt64) -> LiveObject {
        let versioned = object.setting(path: "metadata.resourceVersion", to: .string(String(resourceVersion)))
        return LiveObject(version: ObjectVersion(key: key, resourceVersion: resourceVersion, bytes: versioned.bytes,
                                                 fields: FieldSelector.fields(of: versioned)),
                          object: versioned)
    }

    private mutating func record(_ change: Change) {
        history.append(change)
        if history.count - historyStart > historyLimit {
            compactedThrough = history[historyStart].resourceVersion
            historyStart += 1
            // Drop the compacted prefix now and then, so appending stays amortized O(1).
            if historyStart >= historyLimit {
                history.removeFirst(historyStart)
                historyStart = 0
            }
        }
    }

    /// Forgets every change so far: a watch or a continued list from any older resourceVersion
    /// answers 410, as after an etcd compaction.
    mutating func dropHistory() {
        history.removeAll()
        historyStart = 0
        compactedThrough = resourceVersion
    }

    /// The changes of `resource` after `resourceVersion`, in order.
    ///
    /// - Throws: 410 `Expired` when changes after that version are no longer kept.
    /// - Complexity: O(log h + k) for a history of h changes, k of them after the version.
    func changes(_ resource: ResourceType, after resourceVersion: UInt64) throws(APIError) -> [Change] {
        guard resourceVersion >= compactedThrough else {
            throw APIError.expired(resourceVersion: resourceVersion, oldestAvailable: compactedThrough)
        }
        var low = historyStart, high = history.count
        while low < high {
            let middle = (low + high) / 2
            if history[middle].resourceVersion <= resourceVersion { low = middle + 1 } else { high = middle }
        }
        return history[low...].filter { $0.resource == resource }
    }

    /// The current objects of `resource` in key order, in `namespace` when given, that `selector` selects.
    mutating func current(_ resource: ResourceType, namespace: String?, selector: FieldSelector) -> [ObjectVersion] {
        let keys = orderedKeys(resource)
        let live = objects[resource] ?? [:]
        return keys.compactMap { key in
            guard namespace == nil || key.namespace == namespace, let object = live[key],
                  selector.matches(object.version.fields) else { return nil }
            return object.version
        }
    }

    private mutating func orderedKeys(_ resource: ResourceType) -> [ObjectKey] {
        if let keys = sortedKeys[resource] { return keys }
        let keys = (objects[resource] ?? [:]).keys.sorted()
        sortedKeys[resource] = keys
        return keys
    }

    /// One page of a list: the objects at the list's resourceVersion (the current one for a first
    /// page, the first page's for the next ones) after the token's key, up to `limit`.
    ///
    /// - Throws: 410 when the token's resourceVersion is older than the history, 400 for a token
    ///   the server did not write.
    /// - Complexity: O(n log n) for n objects, plus the changes since the list's version.
    mutating func list(_ resource: ResourceType, namespace: String?, selector: FieldSelector, limit: Int?,
                       continueToken: String?) throws(APIError) -> ListPage {
        var listVersion = resourceVersion
        var after: ObjectKey?
        var versions: [ObjectVersion]
        if let continueToken {
            let token = try ContinueToken(decoding: continueToken)
            guard token.resourceVersion >= compactedThrough else { throw APIError.continueExpired }
            listVersion = min(token.resourceVersion, resourceVersion)
            after = token.lastKey
            versions = snapshot(resource, at: listVersion).filter { object in
                (namespace == nil || object.key.namespace == namespace) && selector.matches(object.fields)
            }
        } else {
            versions = current(resource, namespace: namespace, selector: selector)
        }
        if let after {
            // Keys are in order: skip to the first one after the token's.
            var low = 0, high = versions.count
            while low < high {
                let middle = (low + high) / 2
                if versions[middle].key <= after { low = middle + 1 } else { high = middle }
            }
            versions.removeFirst(low)
        }
        guard let limit, limit > 0, versions.count > limit else {
            return ListPage(resourceVersion: listVersion, items: versions)
        }
        let page = Array(versions.prefix(limit))
        let token = ContinueToken(resourceVersion: listVersion, lastKey: page[page.count - 1].key)
        return ListPage(resourceVersion: listVersion, items: page, continueToken: token.encoded,
                        remainingItemCount: versions.count - limit)
    }

    /// Every object of `resource` as it was at `version`, in key order: the current ones with the
    /// later changes undone.
    private mutating func snapshot(_ resource: ResourceType, at version: UInt64) -> [ObjectVersion] {
        var byKey: [ObjectKey: ObjectVersion] = [:]
        for (key, object) in objects[resource] ?? [:] { byKey[key] = object.version }
        if version < resourceVersion, let later = try? changes(resource, after: version) {
            for change in later.reversed() { byKey[change.object.key] = change.previous }
        }
        return byKey.values.sorted { $0.key < $1.key }
    }
}
