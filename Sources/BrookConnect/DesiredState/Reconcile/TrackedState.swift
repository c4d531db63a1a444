/// The desired-state source's memory of the target topic: per key, what it may hold. Rebuilt by
/// replaying the state topic (`DesiredStateTopicReplay`) and advanced by a pass's tracking updates
/// once they are written.
public struct TrackedState: Sendable, Equatable {
    public private(set) var keys: [String: TrackedKey]

    public init(keys: [String: TrackedKey] = [:]) {
        self.keys = keys
    }

    public subscript(key: String) -> TrackedKey? {
        get { keys[key] }
        set { keys[key] = newValue }
    }

    /// Sources with a key whose value is uncertain (a pass over them was interrupted): a pass over
    /// only the changed files must cover these too, or their keys would stay uncertain.
    public func uncertainSources() -> Set<String> {
        var sources = Set<String>()
        for state in keys.values where !state.isCertain { sources.insert(state.source) }
        return sources
    }

    /// Applies updates in order; a nil state forgets the key.
    public mutating func apply(_ updates: [TrackingUpdate]) {
        for update in updates { keys[update.key] = update.state }
    }
}

/// A change to the tracked state of one key, written to the state topic: `state` nil forgets the
/// key (a tombstone there). `pending` marks an intent written before the produced records become
/// durable, so that a replay after a crash sees the uncertainty.
public struct TrackingUpdate: Sendable, Hashable {
    public var key: String
    public var state: TrackedKey?
    public var pending: Bool

    public init(key: String, state: TrackedKey?, pending: Bool = false) {
        self.key = key
        self.state = state
        self.pending = pending
    }
}
