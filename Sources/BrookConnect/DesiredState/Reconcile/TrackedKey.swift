/// What the desired-state source knows about one key of the target topic: the values the topic may
/// hold for it (fingerprints; one when certain) and whether it may hold nothing. After a crash
/// between producing and committing, the key holds either its old or its new value, so both are
/// possible and the next pass re-emits rather than risk skipping a change (PLATFORM-NOTES §3,
/// CocoIndex's `prev_possible_records` / `prev_may_be_missing`).
public struct TrackedKey: Sendable, Hashable {
    /// Fingerprints of values the topic may hold for the key: sorted, without duplicates.
    public private(set) var possibleValues: [ValueFingerprint]
    /// Whether the topic may hold no value for the key (never written, tombstoned, or holding the
    /// configured deletion value).
    public var mayBeMissing: Bool
    /// The input the key was last declared in (file path, or the SQL source's label).
    public var source: String

    public init(possibleValues: some Sequence<ValueFingerprint>, mayBeMissing: Bool, source: String) {
        self.possibleValues = Array(Set(possibleValues)).sorted()
        self.mayBeMissing = mayBeMissing
        self.source = source
    }

    /// The state after the key's value with `fingerprint` was produced and committed.
    public static func emitted(_ fingerprint: ValueFingerprint, source: String) -> TrackedKey {
        TrackedKey(possibleValues: [fingerprint], mayBeMissing: false, source: source)
    }

    /// Whether the topic certainly holds exactly the value with `fingerprint`.
    public func certainlyHolds(_ fingerprint: ValueFingerprint) -> Bool {
        !mayBeMissing && possibleValues.count == 1 && possibleValues[0] == fingerprint
    }
}
