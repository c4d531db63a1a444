/// A record the desired-state source produces to the target topic.
public enum DesiredStateAction: Sendable, Hashable {
    /// The key's declared value (new or changed, or re-emitted because the previous state is uncertain).
    case upsert(key: String, value: [UInt8])
    /// The key is no longer declared: `value` nil is a tombstone, otherwise the configured deletion value.
    case delete(key: String, value: [UInt8]?)

    public var key: String {
        switch self {
        case let .upsert(key, _), let .delete(key, _): key
        }
    }

    /// The record value to produce; nil is a tombstone.
    public var recordValue: [UInt8]? {
        switch self {
        case let .upsert(_, value): value
        case let .delete(_, value): value
        }
    }
}

/// What a key that is no longer declared becomes (`deletion.mode`, `deletion.value`).
public enum DeletionPolicy: Sendable, Hashable {
    /// A record with a null value, which compaction eventually removes (the default).
    case tombstone
    /// A record with these bytes (e.g. `{"deleted":true}`) for consumers that ignore tombstones.
    case value([UInt8])
    /// Produce nothing and stop tracking the key.
    case nothing
}
