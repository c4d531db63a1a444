/// The header every etcd response carries; `revision` is the store revision the answer reflects.
public struct EtcdResponseHeader: Sendable, Equatable {
    public var clusterId: UInt64
    public var memberId: UInt64
    public var revision: Int64
    public var raftTerm: UInt64

    public init(clusterId: UInt64 = 0, memberId: UInt64 = 0, revision: Int64 = 0, raftTerm: UInt64 = 0) {
        self.clusterId = clusterId
        self.memberId = memberId
        self.revision = revision
        self.raftTerm = raftTerm
    }
}

/// One key with its value and the revisions etcd tracks for it (`mvccpb.KeyValue`).
public struct EtcdKeyValue: Sendable, Equatable {
    public var key: [UInt8]
    public var value: [UInt8]
    /// Revision of the put that created the key (0 after a delete event).
    public var createRevision: Int64
    /// Revision of the last change to the key.
    public var modRevision: Int64
    /// Number of puts since the key was created (0 = deleted).
    public var version: Int64
    /// Lease the key is attached to (0 = none).
    public var lease: Int64

    public init(key: [UInt8], value: [UInt8] = [], createRevision: Int64 = 0, modRevision: Int64 = 0,
                version: Int64 = 0, lease: Int64 = 0) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }

    /// The key as text (invalid UTF-8 replaced).
    public var keyString: String { String(decoding: key, as: UTF8.self) }
    /// The value as text (invalid UTF-8 replaced).
    public var valueString: String { String(decoding: value, as: UTF8.self) }
}

/// The answer to a range read (`get`, `getPrefix`, or a `get` inside a transaction).
public struct EtcdRangeResult: Sendable, Equatable {
    public var header: EtcdResponseHeader
    public var kvs: [EtcdKeyValue]
    /// More keys matched than the limit returned.
    public var more: Bool
    /// How many keys matched in total.
    public var count: Int64

    /// The single key a point read found, if any.
    public var first: EtcdKeyValue? { kvs.first }
}

/// The answer to a put.
public struct EtcdPutResult: Sendable, Equatable {
    public var header: EtcdResponseHeader
    /// The key before the put, when `prevKV` was asked for and the key existed.
    public var previous: EtcdKeyValue?
}

/// The answer to a delete.
public struct EtcdDeleteResult: Sendable, Equatable {
    public var header: EtcdResponseHeader
    public var deleted: Int64
    /// The deleted keys, when `prevKV` was asked for.
    public var previous: [EtcdKeyValue]
}

/// A lease as granted: its id and the TTL etcd chose.
public struct EtcdLease: Sendable, Equatable {
    public var id: Int64
    public var ttlSeconds: Int64
}

/// A lease's remaining time; `ttlSeconds` is -1 when the lease no longer exists.
public struct EtcdLeaseTimeToLive: Sendable, Equatable {
    public var header: EtcdResponseHeader
    public var id: Int64
    public var ttlSeconds: Int64
    public var grantedTTLSeconds: Int64
    public var keys: [[UInt8]]

    /// etcd answers TTL -1 for a lease that expired or was revoked.
    public var exists: Bool { ttlSeconds >= 0 }
}

/// Server status (`/v3/maintenance/status`), used to check an endpoint is alive and who leads.
public struct EtcdStatus: Sendable, Equatable {
    public var header: EtcdResponseHeader
    public var version: String
    public var dbSize: Int64
    public var leader: UInt64
    public var raftIndex: UInt64
    public var raftTerm: UInt64
}

/// Key-range helpers shared by reads, deletes and watches.
enum EtcdKeyRange {
    /// etcd's range end for "every key starting with `prefix`": the prefix with its last byte below
    /// 0xff incremented and what follows dropped; no such byte means "to the end" (`\0`).
    static func prefixEnd(_ prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]
    }
}
