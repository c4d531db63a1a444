/// A record of the desired-state topic, as raw bytes: a null value is a tombstone.
public struct DesiredStateRecord: Sendable, Hashable {
    public var key: [UInt8]
    public var value: [UInt8]?

    public init(key: [UInt8], value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// The decoded meaning of a desired-state topic record.
public enum DesiredStateEntry: Sendable, Hashable {
    /// A key's tracked state; `pending` when written as an intent before the produced records
    /// were durable.
    case tracked(key: String, state: TrackedKey, pending: Bool)
    /// The key is no longer tracked (a tombstone).
    case forgotten(key: String)
    /// The pass marker: which pass was last started or completed.
    case pass(PassMarker)
    /// A record this version does not know (another key prefix): ignored, for newer writers.
    case unknown
}

/// The latest pass's number and whether it completed. A replay that ends on a started pass knows
/// the previous run stopped between producing and committing.
public struct PassMarker: Sendable, Hashable {
    public var number: UInt64
    public var completed: Bool
    /// How many records the pass produced (for logs and status).
    public var actions: UInt64

    public init(number: UInt64, completed: Bool, actions: UInt64) {
        self.number = number
        self.completed = completed
        self.actions = actions
    }
}
